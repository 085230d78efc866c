import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatMoney, fromCents, parseAmount, sumDecimals, toCents } from "./format";

const plain = (s: string) => s.replace(/\s/g, " ");

describe("formatMoney (es-PE, per currency)", () => {
  it("formats soles with S/ and Peruvian separators", () => {
    expect(plain(formatMoney("1234567.5", "PEN"))).toBe("S/ 1,234,567.50");
    expect(plain(formatMoney("0", "PEN"))).toBe("S/ 0.00");
  });

  it("labels dollars and euros as such, never as soles", () => {
    const usd = plain(formatMoney("10.00", "USD"));
    const eur = plain(formatMoney("3", "EUR"));
    expect(usd).toMatch(/^(US\$|USD) 10\.00$/);
    expect(eur).toMatch(/^(€|EUR) 3\.00$/);
    expect(usd).not.toContain("S/");
    expect(eur).not.toContain("S/");
  });

  it("is exact for the largest DECIMAL(15,2) amount (no float rounding)", () => {
    expect(plain(formatMoney("9999999999999.99", "PEN"))).toBe("S/ 9,999,999,999,999.99");
    expect(plain(formatMoney("0.10", "USD"))).toMatch(/0\.10$/);
  });

  it("shows a dash for a missing amount and negative amounts with a sign", () => {
    expect(formatMoney(null, "PEN")).toBe("—");
    expect(formatMoney(undefined, "USD")).toBe("—");
    expect(plain(formatMoney("-12.3", "PEN"))).toBe("-S/ 12.30");
  });
});

describe("exact decimal arithmetic", () => {
  it("sums decimal strings in céntimos", () => {
    expect(sumDecimals(["0.10", "0.20"])).toBe("0.30"); // 0.1 + 0.2 !== 0.3 in floats
    expect(sumDecimals(["9999999999999.99", "0.01"])).toBe("10000000000000.00");
    expect(sumDecimals(["-5.5", "2"])).toBe("-3.50");
    expect(sumDecimals([])).toBe("0.00");
  });

  it("converts to and from céntimos and refuses garbage", () => {
    expect(toCents("12.3")).toBe(1230n);
    expect(fromCents(-5n)).toBe("-0.05");
    expect(() => toCents("1.234")).toThrow();
    expect(() => toCents("abc")).toThrow();
  });

  it("parses what a teller types", () => {
    expect(parseAmount("1234.5")).toBe("1234.50");
    expect(parseAmount("1 234,5")).toBe("1234.50");
    expect(parseAmount("1,234.56")).toBe("1234.56");
    expect(parseAmount("10")).toBe("10.00");
    expect(parseAmount("")).toBeNull();
    expect(parseAmount("-5")).toBeNull();
    expect(parseAmount("1.234")).toBeNull();
    expect(parseAmount("1e3")).toBeNull();
  });
});

describe("dates in local time (tests run with TZ=America/Lima)", () => {
  it("shows a UTC timestamp in Lima time", () => {
    expect(plain(formatDateTime("2026-03-05T19:07:00Z"))).toBe("5 mar. 2026, 2:07 p. m.");
    expect(plain(formatDateTime("2026-03-05T19:07:00+00:00"))).toBe("5 mar. 2026, 2:07 p. m.");
  });

  it("takes a zone-less timestamp as UTC", () => {
    expect(plain(formatDateTime("2026-03-06T03:00:00"))).toBe("5 mar. 2026, 10:00 p. m.");
  });

  it("keeps a calendar date on its day", () => {
    expect(plain(formatDate("2026-03-01"))).toBe("1 mar. 2026");
    expect(formatDateTime(null)).toBe("—");
  });
});
