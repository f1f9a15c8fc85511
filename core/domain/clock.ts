/** Epoch seconds as the record stores them (a string, as existing clients expect). */
export function epochString(now: Date = new Date()): string {
  return String(Math.floor(now.getTime() / 1000));
}
