#!/usr/bin/env bash
# `npm test`: provision the real services, build, lint (layer rules, types, format), then every
# test project (unit, integration, e2e) in one vitest run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash test/provision.sh
npm run build
npm run lint
mkdir -p test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=$?
node test/summarize.mjs test-results/vitest.json
exit $status
