import type { Command } from 'commander';
import type { CompanyPage } from '../../common/domain/crm.js';
import { minorUnitsPerMajor, parseAmount, type Deal, type DealPage, type Pipeline } from '../../common/domain/deals.js';
import { fail, type Result } from '../../common/result.js';
import { call, withCore, type ActionFactory, type CliCore } from './context.js';
import { emit } from './output.js';

export function registerDealCommands(program: Command, action: ActionFactory): void {
  const deals = program.command('deals').description('Deals on the pipeline: list, add, move between stages');

  deals
    .command('list')
    .description('List deals, most recently updated first')
    .option('--limit <n>', 'how many (1-500)', '100')
    .option('--cursor <cursor>', 'the next page, as the previous page printed it')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const opts = command.opts<{ limit: string; cursor?: string }>();
          const input = { limit: Number(opts.limit), ...(opts.cursor !== undefined ? { cursor: opts.cursor } : {}) };
          const result = (await call(core, 'deals.list', input)) as Result<DealPage>;
          return emit(result, options.json === true, describeDeals);
        }),
      ),
    );

  deals
    .command('add')
    .description('Add a deal (in the first stage unless --stage says otherwise)')
    .requiredOption('--name <name>', "the deal's name")
    .requiredOption('--amount <amount>', 'the amount, e.g. 1200.50 (at most the currency’s decimals)')
    .requiredOption('--currency <code>', 'ISO 4217 currency code, e.g. EUR')
    .option('--stage <stage>', 'a stage name (or id) of the pipeline')
    .option('--company <domain>', "the company's email domain, e.g. acme.com")
    .option('--close-date <date>', 'expected close date, YYYY-MM-DD')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const json = options.json === true;
          const opts = command.opts<{
            name: string;
            amount: string;
            currency: string;
            stage?: string;
            company?: string;
            closeDate?: string;
          }>();
          const currency = opts.currency.trim().toUpperCase();
          const amountMinor = parseAmount(opts.amount, currency);
          if (amountMinor === null) {
            return refuse(json, `--amount: "${opts.amount}" is not an amount in ${currency} (like 1200.50).`);
          }
          const stage = opts.stage === undefined ? undefined : await findStage(core, opts.stage, null);
          if (stage === null) return refuse(json, `--stage: no stage "${opts.stage}" (see clientele deals stages).`);
          const companyId = opts.company === undefined ? undefined : await findCompany(core, opts.company);
          if (companyId === null) return refuse(json, `--company: no company with the domain "${opts.company}".`);
          const result = (await call(core, 'deals.create', {
            name: opts.name,
            amountMinor,
            currency,
            ...(stage !== undefined ? { stageId: stage.id } : {}),
            ...(companyId !== undefined ? { companyId } : {}),
            ...(opts.closeDate !== undefined ? { closeDate: opts.closeDate } : {}),
          })) as Result<Deal>;
          return emit(result, json, (deal) => `Added deal ${deal.id}: ${describeDeal(deal)}`);
        }),
      ),
    );

  deals
    .command('move')
    .description('Move a deal to another stage (last in that stage)')
    .argument('<id>', 'the deal id')
    .requiredOption('--stage <stage>', 'a stage name (or id) of the deal’s pipeline')
    .action(
      action((options, command) =>
        withCore(options, async (core) => {
          const json = options.json === true;
          const id = Number(command.args[0]);
          if (!Number.isSafeInteger(id) || id <= 0) return refuse(json, `"${command.args[0]}" is not a deal id.`);
          const current = (await call(core, 'deals.get', { id })) as Result<Deal>;
          if (!current.ok) return emit(current, json, () => '');
          const name = command.opts<{ stage: string }>().stage;
          const stage = await findStage(core, name, current.value.pipelineId);
          if (stage === null) return refuse(json, `--stage: no stage "${name}" in the deal's pipeline.`);
          const result = (await call(core, 'deals.move', { id, stageId: stage.id })) as Result<Deal>;
          return emit(result, json, (deal) => `Moved deal ${deal.id} to ${deal.stageName}: ${describeDeal(deal)}`);
        }),
      ),
    );

  deals
    .command('stages')
    .description('The pipelines and their stages, in order')
    .action(
      action((options) =>
        withCore(options, async (core) => {
          const result = (await call(core, 'pipelines.list', {})) as Result<Pipeline[]>;
          return emit(result, options.json === true, (pipelines) =>
            pipelines
              .map(
                (p) =>
                  `${p.name}: ${p.stages.map((s) => `${s.name} (${s.id}${s.kind === 'open' ? '' : `, ${s.kind}`})`).join(', ')}`,
              )
              .join('\n'),
          );
        }),
      ),
    );
}

function refuse(json: boolean, message: string): number {
  return emit(fail({ code: 'VALIDATION', message }), json, () => '');
}

/** A stage by id or by name (case-insensitive), in the given pipeline or the first that has it. */
async function findStage(core: CliCore, wanted: string, pipelineId: number | null): Promise<{ id: number } | null> {
  const result = (await call(core, 'pipelines.list', {})) as Result<Pipeline[]>;
  if (!result.ok) return null;
  const pipelines = result.value.filter((p) => pipelineId === null || p.id === pipelineId);
  const stages = pipelines.flatMap((p) => p.stages);
  const byId = /^\d+$/.test(wanted) ? stages.find((s) => s.id === Number(wanted)) : undefined;
  return byId ?? stages.find((s) => s.name.toLowerCase() === wanted.trim().toLowerCase()) ?? null;
}

/** A company's id from its email domain (companies are one per domain). */
async function findCompany(core: CliCore, domain: string): Promise<number | null> {
  const wanted = domain.trim().toLowerCase();
  let cursor: string | undefined;
  for (;;) {
    const page = (await call(core, 'companies.list', {
      limit: 500,
      ...(cursor ? { cursor } : {}),
    })) as Result<CompanyPage>;
    if (!page.ok) return null;
    const found = page.value.items.find((company) => company.domain === wanted);
    if (found) return found.id;
    if (!page.value.next) return null;
    cursor = page.value.next;
  }
}

function money(amountMinor: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).format(
      amountMinor / minorUnitsPerMajor(currency),
    );
  } catch {
    return `${amountMinor} ${currency} (minor units)`;
  }
}

function describeDeal(deal: Deal): string {
  const company = deal.company ? ` · ${deal.company.name}` : '';
  const close = deal.closeDate ? ` · closes ${deal.closeDate}` : '';
  return `${deal.name} · ${money(deal.amountMinor, deal.currency)} · ${deal.stageName}${company}${close}`;
}

function describeDeals(page: DealPage): string {
  if (page.items.length === 0)
    return 'No deals yet. Add one with: clientele deals add --name ... --amount ... --currency ...';
  const lines = page.items.map((deal) => `${String(deal.id).padStart(5)}  ${describeDeal(deal)}`);
  if (page.next) lines.push(`More: --cursor ${page.next}`);
  return lines.join('\n');
}
