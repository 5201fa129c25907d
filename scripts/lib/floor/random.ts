// A seeded random source for the simulated floor (sfc32): the same seed draws the same day, and nothing here calls Math.random.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  uniform(min: number, max: number): number;
  chance(p: number): boolean;
  /** Exponential with this mean. */
  exponential(mean: number): number;
  /** Normal (Box–Muller). */
  normal(mean: number, sd: number): number;
  /** Lognormal with this median and shape (sd of the log): right-skewed like talk and hold times. */
  lognormal(median: number, sigma: number): number;
  /** Poisson count with this mean (Knuth below 30, a rounded normal above). */
  poisson(mean: number): number;
  pick<T>(items: readonly T[]): T;
  integer(min: number, max: number): number;
}

/** A string seed hashed to four 32-bit words (xmur3), then sfc32. */
export function seededRandom(seed: string): Random {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const word = () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
  let a = word();
  let b = word();
  let c = word();
  let d = word();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  const normal = (mean: number, sd: number) => {
    const u = 1 - next();
    const v = next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const poisson = (mean: number) => {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(normal(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = next(); p > limit; p *= next()) k++;
    return k;
  };
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    chance: (p) => next() < p,
    exponential: (mean) => -mean * Math.log(1 - next()),
    normal,
    lognormal: (median, sigma) => median * Math.exp(normal(0, sigma)),
    poisson,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}
