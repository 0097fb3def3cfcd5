/** The task file of the piscina and tinypool contenders: a no-op (n falsy) or the seeds' crunch. */
export default function crunch(n) {
  if (!n) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) s += i * i;
  return s;
}
