/**
 * One Idempotency-Key per user action. The key is made when the user first submits an
 * operation and is reused for every retry of that same operation (a double click, a retry
 * after a network error): the server then applies it once. A different operation (other
 * amount, other account) or a finished one gets a fresh key.
 */

export function newIdempotencyKey(): string {
  const c: Crypto = globalThis.crypto;
  if (typeof c.randomUUID === "function") return c.randomUUID();
  // randomUUID needs a secure context; plain http on a LAN address is not one
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class ActionKey {
  private key: string | null = null;
  private fingerprint: string | null = null;

  constructor(private readonly make: () => string = newIdempotencyKey) {}

  /** The key for this operation: the same while the operation is unchanged and unfinished. */
  for(operation: unknown): string {
    const fingerprint = JSON.stringify(operation);
    if (this.key === null || fingerprint !== this.fingerprint) {
      this.key = this.make();
      this.fingerprint = fingerprint;
    }
    return this.key;
  }

  /** The operation finished (success, or a definitive refusal): the next one gets a new key. */
  done(): void {
    this.key = null;
    this.fingerprint = null;
  }
}
