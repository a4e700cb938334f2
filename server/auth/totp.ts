import { generate, generateSecret, generateURI, verify } from 'otplib';

/** RFC 6238 with the authenticator-app defaults (otplib's defaults too): SHA-1, 6 digits, 30 s steps. */
export const TOTP_POLICY = {
  periodSeconds: 30,
  /** One step either side of now is accepted (clock drift, a code typed as it rolled over); two are not. */
  toleranceSteps: 1,
  issuer: 'Clientele',
} as const;

/** A new 160-bit secret in Base32 (what authenticator apps read). */
export function newTotpSecret(): string {
  return generateSecret();
}

/** The otpauth:// URI an authenticator app scans (as a QR code) or imports. */
export function totpUri(secret: string, accountEmail: string): string {
  return generateURI({ issuer: TOTP_POLICY.issuer, label: accountEmail, secret });
}

/** The code for a moment; tests and the set-up check use it. */
export function totpCodeAt(secret: string, nowMs: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(nowMs / 1000) });
}

/**
 * The time step a code belongs to when it is valid now (±1 step) and later than `afterTimeStep`
 * (the last one accepted: a code is good once), else undefined.
 */
export async function matchTotpCode(
  secret: string,
  code: string,
  nowMs: number,
  afterTimeStep: number | null,
): Promise<number | undefined> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: TOTP_POLICY.periodSeconds * TOTP_POLICY.toleranceSteps,
    ...(afterTimeStep === null ? {} : { afterTimeStep }),
  });
  // The functional API types HOTP and TOTP results together; a TOTP match carries its time step.
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
