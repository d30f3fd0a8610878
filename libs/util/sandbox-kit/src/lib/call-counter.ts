/** API calls counted by endpoint and by tenant (org or user), for tests and benchmarks. */
export class CallCounter {
  private readonly counts = new Map<string, number>();

  record(endpoint: string, tenant = '-'): void {
    const key = `${tenant}\u0000${endpoint}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  total(filter: { endpoint?: string; tenant?: string } = {}): number {
    return this.list()
      .filter(
        (c) =>
          (filter.endpoint === undefined || c.endpoint === filter.endpoint) &&
          (filter.tenant === undefined || c.tenant === filter.tenant),
      )
      .reduce((sum, c) => sum + c.count, 0);
  }

  list(): { tenant: string; endpoint: string; count: number }[] {
    return [...this.counts].map(([key, count]) => {
      const [tenant, endpoint] = key.split('\u0000');
      return { tenant, endpoint, count };
    });
  }

  reset(): void {
    this.counts.clear();
  }
}
