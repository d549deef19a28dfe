/**
 * "Guest N" for peers without a name: numbered in the order they were first shown, stable
 * for the call, and plain "Guest" while there is only one.
 */
export class GuestNames {
  private readonly numbers = new Map<string, number>();

  name(peer: string, inRoom: number): string {
    if (!this.numbers.has(peer)) this.numbers.set(peer, this.numbers.size + 1);
    return inRoom > 1 || this.numbers.size > 1 ? `Guest ${this.numbers.get(peer)}` : "Guest";
  }

  clear(): void {
    this.numbers.clear();
  }
}
