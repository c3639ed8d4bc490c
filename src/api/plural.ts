/** A count with its noun, said the way people write it: "1 task", "2 tasks", never "1 task(s)". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
