package org.yt8m.model.metrics;

/**
 * numpy's legacy {@code RandomState(seed).rand()}: MT19937 seeded with {@code init_genrand(seed)}
 * and 53-bit doubles ({@code (a >> 5) * 67108864 + (b >> 6)) / 2^53}), so tests can rebuild the
 * reference's numpy test case bit for bit. Check: {@code RandomState(42).rand()} is
 * 0.3745401188473625.
 */
final class NumpyRandomState {
  private static final int N = 624;
  private static final int M = 397;
  private final int[] mt = new int[N];
  private int index = N;

  NumpyRandomState(long seed) {
    mt[0] = (int) seed;
    for (int i = 1; i < N; i++) {
      mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }
  }

  double rand() {
    long a = Integer.toUnsignedLong(next()) >>> 5;
    long b = Integer.toUnsignedLong(next()) >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  private int next() {
    if (index >= N) {
      for (int i = 0; i < N; i++) {
        int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
        mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
      }
      index = 0;
    }
    int y = mt[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y;
  }
}
