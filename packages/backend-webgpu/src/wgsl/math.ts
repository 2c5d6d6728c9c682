/**
 * WGSL helper functions that give the scalar ops the CPU reference's meaning
 * (JavaScript's Math, float64 rounded to float32 on store) where WGSL leaves
 * it open or differs:
 * - NaN and infinity are built and tested on bit patterns: WGSL constant
 *   expressions may not be NaN or infinite, and shader compilers may assume
 *   NaN-free arithmetic (llvmpipe's max(NaN, 0) is 0; Math.max gives NaN).
 * - float → int is JavaScript's ToInt32 (truncate, wrap modulo 2^32, NaN and
 *   infinities to 0); WGSL's i32(f32) saturates instead.
 * - expm1/log1p/tanh use series near 0 rather than exp(x) - 1 style
 *   cancellation tricks, which Mesa's compiler folds away ((1 + x) - 1 → x).
 * - exp and sin/cos/tan are Cephes-style polynomials after an exact range
 *   reduction: builtin exp loses |x|·2^-24 (WGSL allows 3 + 2|x| ulp) and
 *   builtin sin/cos need only be 2^-11 accurate, which SwiftShader is.
 * - erf is the same Cody approximation as cpu/scalar-js.ts; round is WGSL's
 *   round, which already rounds half to even; pow follows Math.pow for
 *   negative bases with integral exponents and for the infinities.
 * - float16 storage conversions replicate core's float16.ts bit for bit.
 *
 * Each helper lists the helpers it calls; `helperSource` emits a closed set.
 */
interface Helper {
  readonly deps: readonly string[];
  readonly code: string;
}

const helpers: Record<string, Helper> = {
  s_nan: { deps: [], code: 'fn s_nan() -> f32 { let b = 0x7fc00000u; return bitcast<f32>(b); }' },
  s_inf: { deps: [], code: 'fn s_inf() -> f32 { let b = 0x7f800000u; return bitcast<f32>(b); }' },
  s_isnan: { deps: [], code: 'fn s_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }' },
  s_isfinite: { deps: [], code: 'fn s_isfinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }' },
  s_nonzero: { deps: [], code: 'fn s_nonzero(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) != 0u; }' },
  s_truthy: {
    deps: ['s_isnan'],
    code: 'fn s_truthy(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) != 0u && !s_isnan(x); }',
  },
  s_toint: {
    deps: [],
    code: `fn s_toint(x: f32) -> i32 {
  let bits = bitcast<u32>(x);
  let e = i32((bits >> 23u) & 0xffu) - 127;
  if (e < 31) { return i32(trunc(x)); }
  if (e == 128 || e >= 55) { return 0; }
  let m = ((bits & 0x7fffffu) | 0x800000u) << u32(e - 23);
  return bitcast<i32>(select(m, 0u - m, (bits >> 31u) != 0u));
}`,
  },
  s_max: {
    deps: ['s_isnan', 's_nan'],
    code: 'fn s_max(a: f32, b: f32) -> f32 { return select(max(a, b), s_nan(), s_isnan(a) || s_isnan(b)); }',
  },
  s_min: {
    deps: ['s_isnan', 's_nan'],
    code: 'fn s_min(a: f32, b: f32) -> f32 { return select(min(a, b), s_nan(), s_isnan(a) || s_isnan(b)); }',
  },
  s_sign: {
    deps: [],
    code: 'fn s_sign(x: f32) -> f32 { return select(select(x, -1.0, x < 0.0), 1.0, x > 0.0); }',
  },
  s_exp: {
    deps: ['s_isnan', 's_inf'],
    // Cephes expf: x = n ln2 + r with an exact two-part ln2, a degree-7 polynomial for e^r, then
    // 2^n applied in two exact halves. ~1.5 ulp over the whole range, where builtin exp (exp2 of
    // x·log2 e) loses |x|·2^-24 relative: 62 ulp at x = 80 on llvmpipe. SwiftShader's exp(NaN) is inf.
    code: `fn s_exp(x: f32) -> f32 {
  if (s_isnan(x)) { return x; }
  if (x > 88.72283) { return s_inf(); }
  if (x < -103.972) { return 0.0; }
  let n = floor(x * 1.44269504088896341 + 0.5);
  let r = (x - n * 0.693359375) - n * -2.12194440e-4;
  let p = ((((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r + 4.1665795894e-2) * r + 1.6666665459e-1) * r + 5.0000001201e-1) * r * r + r) + 1.0;
  let k = i32(n);
  let k1 = k / 2;
  return p * exp2(f32(k1)) * exp2(f32(k - k1));
}`,
  },
  s_log: {
    deps: ['s_nan', 's_inf', 's_isnan'],
    code: 'fn s_log(x: f32) -> f32 { return select(select(select(log(x), -s_inf(), x == 0.0), s_nan(), x < 0.0), x, s_isnan(x)); }',
  },
  s_sin: { deps: ['s_sincos'], code: 'fn s_sin(x: f32) -> f32 { return s_sincos(x, 0u); }' },
  s_cos: { deps: ['s_sincos'], code: 'fn s_cos(x: f32) -> f32 { return s_sincos(x, 2u); }' },
  s_tan: { deps: ['s_sincos'], code: 'fn s_tan(x: f32) -> f32 { return s_sincos(x, 0u) / s_sincos(x, 2u); }' },
  s_sincos: {
    deps: ['s_isfinite', 's_nan'],
    // Cephes sinf/cosf: octant reduction with an exact three-part π/4 (valid to |x| = 8192), then
    // minimax polynomials on [-π/4, π/4]. cos(x) is sin(x + π/2): two octants further. The WGSL spec
    // bounds builtin sin/cos only to 2^-11 absolute on [-π, π], and SwiftShader is that coarse.
    code: `fn s_sincos(x: f32, shift: u32) -> f32 {
  let ax = abs(x);
  if (!s_isfinite(x)) { return s_nan(); }
  if (ax > 8192.0) { return select(sin(x), cos(x), shift == 2u); }
  var j = u32(ax * 1.27323954473516);
  var y = f32(j);
  if ((j & 1u) == 1u) { j = j + 1u; y = y + 1.0; }
  let r = ((ax - y * 0.78515625) - y * 2.4187564849853515625e-4) - y * 3.77489497744594108e-8;
  let z = r * r;
  // Octant of x (sine) or of x + π/2 (cosine, for which the sign of x does not matter).
  let q = select((j >> 1u) + select(0u, 2u, x < 0.0), (j >> 1u) + 1u, shift == 2u) & 3u;
  var v: f32;
  if ((q & 1u) == 1u) {
    v = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
  } else {
    v = ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
  }
  return select(v, -v, q >= 2u);
}`,
  },
  s_sqrt: { deps: ['s_nan'], code: 'fn s_sqrt(x: f32) -> f32 { return select(sqrt(x), s_nan(), x < 0.0); }' },
  s_expm1: {
    deps: ['s_exp'],
    code: `fn s_expm1(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    return x * (1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0 * (1.0 + x / 5.0 * (1.0 + x / 6.0 * (1.0 + x / 7.0 * (1.0 + x / 8.0 * (1.0 + x / 9.0))))))));
  }
  return s_exp(x) - 1.0;
}`,
  },
  s_log1p: {
    deps: ['s_log'],
    code: `fn s_log1p(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    let s = x / (2.0 + x);
    let t = s * s;
    let series = 1.0 + t * (1.0 / 3.0 + t * (1.0 / 5.0 + t * (1.0 / 7.0 + t * (1.0 / 9.0 + t * (1.0 / 11.0 + t * (1.0 / 13.0 + t * (1.0 / 15.0 + t * (1.0 / 17.0))))))));
    return 2.0 * s * series;
  }
  return s_log(1.0 + x);
}`,
  },
  s_tanh: {
    deps: ['s_expm1'],
    code: `fn s_tanh(x: f32) -> f32 {
  if (abs(x) > 10.0) { return select(-1.0, 1.0, x > 0.0); }
  let e = s_expm1(2.0 * x);
  return e / (e + 2.0);
}`,
  },
  s_erf: {
    deps: [],
    code: `fn s_erf(x: f32) -> f32 {
  let ax = abs(x);
  if (ax <= 0.46875) {
    let t = x * x;
    let p = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
    let q = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683333670241;
    return x * p / q;
  }
  if (ax <= 4.0) {
    let p = (((((((2.15311535474403846e-8 * ax + 0.564188496988670089) * ax + 8.88314979438837594) * ax + 66.1191906371416295) * ax + 298.635138197400131) * ax + 881.952221241769090) * ax + 1712.04761263407058) * ax + 2051.07837782607147) * ax + 1230.33935479799725;
    let q = (((((((ax + 15.7449261107098347) * ax + 117.693950891312499) * ax + 537.181101862009858) * ax + 1621.38957456669019) * ax + 3290.79923573345963) * ax + 4362.61909014324716) * ax + 3439.36767414372164) * ax + 1230.33935480374942;
    let r = 1.0 - exp(-ax * ax) * p / q;
    return select(r, -r, x < 0.0);
  }
  if (ax > 4.0) { return select(1.0, -1.0, x < 0.0); }
  return x;
}`,
  },
  s_pow: {
    deps: ['s_isnan', 's_nan', 's_inf', 's_isfinite'],
    code: `fn s_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (s_isnan(a) || s_isnan(b)) { return s_nan(); }
  let integral = floor(b) == b;
  if (a < 0.0 && !integral) { return s_nan(); }
  let odd = integral && abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1;
  let negative = (bitcast<u32>(a) >> 31u) == 1u;
  var m: f32;
  if (a == 0.0 || !s_isfinite(a)) {
    // 0 and ±inf: drivers may fuse exp2(b * log2(a)) into a pow that is undefined there.
    m = select(0.0, s_inf(), (a == 0.0) == (b < 0.0));
  } else if (integral && abs(b) <= 64.0) {
    var base = abs(a);
    var k = u32(abs(b));
    m = 1.0;
    loop {
      if ((k & 1u) == 1u) { m = m * base; }
      k = k >> 1u;
      if (k == 0u) { break; }
      base = base * base;
    }
    if (b < 0.0) { m = 1.0 / m; }
  } else {
    m = exp2(b * log2(abs(a)));
  }
  return select(m, -m, negative && odd);
}`,
  },
  s_idiv: { deps: [], code: 'fn s_idiv(a: i32, b: i32) -> i32 { return select(a / select(b, 1, b == 0), 0, b == 0); }' },
  s_ipow: {
    deps: [],
    code: `fn s_ipow(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) == 1); }
    return 0;
  }
  var base = a;
  var k = u32(b);
  var m = 1;
  loop {
    if (k == 0u) { break; }
    if ((k & 1u) == 1u) { m = m * base; }
    k = k >> 1u;
    base = base * base;
  }
  return m;
}`,
  },
  s_f16_to_f32: {
    deps: [],
    code: `fn s_f16_to_f32(h: u32) -> f32 {
  let sign = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  if (e == 0u) {
    let v = f32(m) * 5.9604644775390625e-8;
    return select(v, -v, sign != 0u);
  }
  if (e == 31u) { return bitcast<f32>(sign | 0x7f800000u | (m << 13u)); }
  return bitcast<f32>(sign | ((e + 112u) << 23u) | (m << 13u));
}`,
  },
  s_f32_to_f16: {
    deps: [],
    code: `fn s_f32_to_f16(v: f32) -> u32 {
  let x = bitcast<u32>(v);
  let sign = (x >> 16u) & 0x8000u;
  let ex = (x >> 23u) & 0xffu;
  var mant = x & 0x7fffffu;
  if (ex == 0xffu) { return sign | 0x7c00u | select(0u, 0x200u | (mant >> 13u), mant != 0u); }
  let e = i32(ex) - 112;
  if (e >= 31) { return sign | 0x7c00u; }
  if (e <= 0) {
    if (e < -10) { return sign; }
    mant = mant | 0x800000u;
    let shift = u32(14 - e);
    let half = mant >> shift;
    let rem = mant & ((1u << shift) - 1u);
    let mid = 1u << (shift - 1u);
    let up = rem > mid || (rem == mid && (half & 1u) == 1u);
    return sign | (half + select(0u, 1u, up));
  }
  let half = (u32(e) << 10u) | (mant >> 13u);
  let rem = mant & 0x1fffu;
  let up = rem > 0x1000u || (rem == 0x1000u && (half & 1u) == 1u);
  return sign | (half + select(0u, 1u, up));
}`,
  },
};

export type HelperName = keyof typeof helpers;

/** WGSL source of the named helpers and everything they call, each once, callees first. */
export function helperSource(names: Iterable<string>): string {
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (name: string) => {
    if (done.has(name)) return;
    const helper = helpers[name];
    if (!helper) throw new Error(`unknown WGSL helper ${name}`);
    done.add(name);
    for (const dep of helper.deps) visit(dep);
    out.push(helper.code);
  };
  for (const name of names) visit(name);
  return out.join('\n');
}
