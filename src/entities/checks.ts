/** CHECK constraint expressions derived from the TypeScript enums, so the database and the code agree on every value. */
export function enumCheck(column: string, values: Record<string, string>): string {
  return `"${column}" IN (${Object.values(values).map((v) => `'${v}'`).join(', ')})`;
}

export function enumArrayCheck(column: string, values: Record<string, string>): string {
  return `"${column}" <@ ARRAY[${Object.values(values).map((v) => `'${v}'`).join(', ')}]::varchar[]`;
}
