/** A page of a paginated list, as every service returns it (page is 1-based, size at most 100). */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
}

/** `?a=1&b=x` from the params that are set (undefined, null, '' and false are left out). */
export function queryString(params: object): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
