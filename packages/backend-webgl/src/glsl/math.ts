/**
 * GLSL ES 3.00 helpers that give the scalar ops the CPU reference's meaning
 * (JavaScript's Math, float64 rounded to float32 on store) where GLSL leaves
 * it open or differs. A port of the WebGPU backend's wgsl/math.ts:
 * - NaN and infinity are built and tested on bit patterns (floatBitsToUint):
 *   shader compilers may assume NaN-free arithmetic, and GLSL has no NaN literal.
 * - float → int is JavaScript's ToInt32 (truncate, wrap modulo 2^32, NaN and
 *   infinities to 0); GLSL's int(float) is undefined outside the int range.
 * - float division by zero is undefined in GLSL: s_div spells out IEEE's answer.
 * - exp and sin/cos/tan are Cephes-style polynomials after an exact range
 *   reduction (GLSL bounds neither builtin; SwiftShader's are coarse), expm1 /
 *   log1p / tanh use series near 0, erf is the CPU's Cody approximation, round
 *   is half to even, pow follows Math.pow for negative bases and the infinities.
 * - int32 division truncates on magnitudes (GLSL leaves negative operands
 *   undefined) and `x / 0` is 0 like `Math.trunc(x / 0) | 0`.
 *
 * Each helper lists the helpers it calls; `helperSource` emits a closed set, callees first.
 */
interface Helper {
  readonly deps: readonly string[];
  readonly code: string;
}

const helpers: Record<string, Helper> = {
  s_nan: { deps: [], code: 'float s_nan() { return uintBitsToFloat(0x7fc00000u); }' },
  s_inf: { deps: [], code: 'float s_inf() { return uintBitsToFloat(0x7f800000u); }' },
  s_isnan: { deps: [], code: 'bool s_isnan(float x) { return (floatBitsToUint(x) & 0x7fffffffu) > 0x7f800000u; }' },
  s_isfinite: { deps: [], code: 'bool s_isfinite(float x) { return (floatBitsToUint(x) & 0x7f800000u) != 0x7f800000u; }' },
  s_nonzero: { deps: [], code: 'bool s_nonzero(float x) { return (floatBitsToUint(x) & 0x7fffffffu) != 0u; }' },
  s_truthy: { deps: ['s_isnan', 's_nonzero'], code: 'bool s_truthy(float x) { return s_nonzero(x) && !s_isnan(x); }' },
  s_signbit: { deps: [], code: 'bool s_signbit(float x) { return (floatBitsToUint(x) >> 31u) != 0u; }' },
  s_pow2i: {
    deps: [],
    // An exact power of two for -126 <= k <= 127, built from its bits.
    code: 'float s_pow2i(int k) { return uintBitsToFloat(uint(k + 127) << 23u); }',
  },
  s_toint: {
    deps: [],
    code: `int s_toint(float x) {
  uint bits = floatBitsToUint(x);
  int e = int((bits >> 23u) & 0xffu) - 127;
  if (e < 31) { return int(trunc(x)); }
  if (e == 128 || e >= 55) { return 0; }
  uint m = ((bits & 0x7fffffu) | 0x800000u) << uint(e - 23);
  return int((bits >> 31u) != 0u ? 0u - m : m);
}`,
  },
  s_div: {
    deps: ['s_isnan', 's_nan', 's_inf', 's_signbit'],
    code: `float s_div(float a, float b) {
  if (b != 0.0) { return a / b; }
  if (a == 0.0 || s_isnan(a) || s_isnan(b)) { return s_nan(); }
  return s_signbit(a) != s_signbit(b) ? -s_inf() : s_inf();
}`,
  },
  s_max: {
    deps: ['s_isnan', 's_nan'],
    code: 'float s_max(float a, float b) { return (s_isnan(a) || s_isnan(b)) ? s_nan() : max(a, b); }',
  },
  s_min: {
    deps: ['s_isnan', 's_nan'],
    code: 'float s_min(float a, float b) { return (s_isnan(a) || s_isnan(b)) ? s_nan() : min(a, b); }',
  },
  s_sign: { deps: [], code: 'float s_sign(float x) { return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : x); }' },
  s_round: {
    deps: ['s_signbit'],
    // Half to even, like the CPU's roundHalfEven; |x| >= 2^23 is already integral.
    code: `float s_round(float x) {
  if (!(abs(x) < 8388608.0)) { return x; }
  float f = floor(x);
  float d = x - f;
  if (d > 0.5 || (d == 0.5 && mod(f, 2.0) == 1.0)) { f += 1.0; }
  return (f == 0.0 && s_signbit(x)) ? uintBitsToFloat(0x80000000u) : f;
}`,
  },
  s_exp: {
    deps: ['s_isnan', 's_inf', 's_pow2i'],
    // Cephes expf: x = n ln2 + r with an exact two-part ln2, a degree-7 polynomial for e^r, then
    // 2^n applied in two exact halves (~1.5 ulp over the whole range).
    code: `float s_exp(float x) {
  if (s_isnan(x)) { return x; }
  if (x > 88.72283) { return s_inf(); }
  if (x < -103.972) { return 0.0; }
  float n = floor(x * 1.44269504088896341 + 0.5);
  float r = (x - n * 0.693359375) - n * -2.12194440e-4;
  float p = ((((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r + 4.1665795894e-2) * r + 1.6666665459e-1) * r + 5.0000001201e-1) * r * r + r) + 1.0;
  int k = int(n);
  int k1 = k >> 1;
  return p * s_pow2i(k1) * s_pow2i(k - k1);
}`,
  },
  s_log: {
    deps: ['s_nan', 's_inf', 's_isnan'],
    code: `float s_log(float x) {
  if (s_isnan(x) || x < 0.0) { return s_nan(); }
  if (x == 0.0) { return -s_inf(); }
  return log(x);
}`,
  },
  s_sqrt: { deps: ['s_nan'], code: 'float s_sqrt(float x) { return x < 0.0 ? s_nan() : sqrt(x); }' },
  s_sincos: {
    deps: ['s_isfinite', 's_nan'],
    // Cephes sinf/cosf: octant reduction with an exact three-part π/4 (valid to |x| = 8192), then
    // minimax polynomials on [-π/4, π/4]; cos(x) is sin(x + π/2), two octants further.
    code: `float s_sincos(float x, uint shift) {
  float ax = abs(x);
  if (!s_isfinite(x)) { return s_nan(); }
  if (ax > 8192.0) { return shift == 2u ? cos(x) : sin(x); }
  uint j = uint(ax * 1.27323954473516);
  float y = float(j);
  if ((j & 1u) == 1u) { j = j + 1u; y = y + 1.0; }
  float r = ((ax - y * 0.78515625) - y * 2.4187564849853515625e-4) - y * 3.77489497744594108e-8;
  float z = r * r;
  uint q = (shift == 2u ? (j >> 1u) + 1u : (j >> 1u) + (x < 0.0 ? 2u : 0u)) & 3u;
  float v;
  if ((q & 1u) == 1u) {
    v = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
  } else {
    v = ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
  }
  return q >= 2u ? -v : v;
}`,
  },
  s_sin: { deps: ['s_sincos'], code: 'float s_sin(float x) { return s_sincos(x, 0u); }' },
  s_cos: { deps: ['s_sincos'], code: 'float s_cos(float x) { return s_sincos(x, 2u); }' },
  s_tan: { deps: ['s_sincos', 's_div'], code: 'float s_tan(float x) { return s_div(s_sincos(x, 0u), s_sincos(x, 2u)); }' },
  s_expm1: {
    deps: ['s_exp'],
    code: `float s_expm1(float x) {
  if (abs(x) < 0.5) {
    return x * (1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0 * (1.0 + x / 5.0 * (1.0 + x / 6.0 * (1.0 + x / 7.0 * (1.0 + x / 8.0 * (1.0 + x / 9.0))))))));
  }
  return s_exp(x) - 1.0;
}`,
  },
  s_log1p: {
    deps: ['s_log'],
    code: `float s_log1p(float x) {
  if (abs(x) < 0.5) {
    float s = x / (2.0 + x);
    float t = s * s;
    float series = 1.0 + t * (1.0 / 3.0 + t * (1.0 / 5.0 + t * (1.0 / 7.0 + t * (1.0 / 9.0 + t * (1.0 / 11.0 + t * (1.0 / 13.0 + t * (1.0 / 15.0 + t * (1.0 / 17.0))))))));
    return 2.0 * s * series;
  }
  return s_log(1.0 + x);
}`,
  },
  s_tanh: {
    deps: ['s_expm1'],
    code: `float s_tanh(float x) {
  if (abs(x) > 10.0) { return x > 0.0 ? 1.0 : -1.0; }
  float e = s_expm1(2.0 * x);
  return e / (e + 2.0);
}`,
  },
  s_erf: {
    deps: ['s_exp'],
    code: `float s_erf(float x) {
  float ax = abs(x);
  if (ax <= 0.46875) {
    float t = x * x;
    float p = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
    float q = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683333670241;
    return x * p / q;
  }
  if (ax <= 4.0) {
    float p = (((((((2.15311535474403846e-8 * ax + 0.564188496988670089) * ax + 8.88314979438837594) * ax + 66.1191906371416295) * ax + 298.635138197400131) * ax + 881.952221241769090) * ax + 1712.04761263407058) * ax + 2051.07837782607147) * ax + 1230.33935479799725;
    float q = (((((((ax + 15.7449261107098347) * ax + 117.693950891312499) * ax + 537.181101862009858) * ax + 1621.38957456669019) * ax + 3290.79923573345963) * ax + 4362.61909014324716) * ax + 3439.36767414372164) * ax + 1230.33935480374942;
    float r = 1.0 - s_exp(-ax * ax) * p / q;
    return x < 0.0 ? -r : r;
  }
  if (ax > 4.0) { return x < 0.0 ? -1.0 : 1.0; }
  return x;
}`,
  },
  s_pow: {
    deps: ['s_isnan', 's_nan', 's_inf', 's_isfinite', 's_signbit'],
    code: `float s_pow(float a, float b) {
  if (b == 0.0) { return 1.0; }
  if (s_isnan(a) || s_isnan(b)) { return s_nan(); }
  bool integral = floor(b) == b;
  if (a < 0.0 && !integral && s_isfinite(b)) { return s_nan(); }
  bool odd = integral && abs(b) < 16777216.0 && (int(abs(b)) & 1) == 1;
  bool negative = s_signbit(a);
  float m;
  if (abs(a) == 1.0 && !s_isfinite(b)) {
    return s_nan();
  } else if (!s_isfinite(b)) {
    m = (abs(a) > 1.0) == (b > 0.0) ? s_inf() : 0.0;
    return m;
  } else if (a == 0.0 || !s_isfinite(a)) {
    m = (a == 0.0) == (b < 0.0) ? s_inf() : 0.0;
  } else if (integral && abs(b) <= 64.0) {
    float base = abs(a);
    uint k = uint(abs(b));
    m = 1.0;
    for (int it = 0; it < 8; it++) {
      if ((k & 1u) == 1u) { m = m * base; }
      k = k >> 1u;
      if (k == 0u) { break; }
      base = base * base;
    }
    if (b < 0.0) { m = 1.0 / m; }
  } else {
    m = exp2(b * log2(abs(a)));
  }
  return (negative && odd) ? -m : m;
}`,
  },
  s_idiv: {
    deps: [],
    code: `int s_idiv(int a, int b) {
  if (b == 0) { return 0; }
  uint q = uint(a < 0 ? -a : a) / uint(b < 0 ? -b : b);
  return (a < 0) != (b < 0) ? -int(q) : int(q);
}`,
  },
  s_ipow: {
    deps: [],
    code: `int s_ipow(int a, int b) {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return (b & 1) == 1 ? -1 : 1; }
    return 0;
  }
  int base = a;
  uint k = uint(b);
  int m = 1;
  for (int it = 0; it < 32; it++) {
    if (k == 0u) { break; }
    if ((k & 1u) == 1u) { m = m * base; }
    k = k >> 1u;
    base = base * base;
  }
  return m;
}`,
  },
};

/** GLSL source of the named helpers and everything they call, each once, callees first. */
export function helperSource(names: Iterable<string>): string {
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (name: string) => {
    if (done.has(name)) return;
    const helper = helpers[name];
    if (!helper) throw new Error(`unknown GLSL helper ${name}`);
    done.add(name);
    for (const dep of helper.deps) visit(dep);
    out.push(helper.code);
  };
  for (const name of names) visit(name);
  return out.join('\n');
}
