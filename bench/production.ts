// React reads NODE_ENV when it loads: the benchmark measures the build users run (imported first).
process.env.NODE_ENV ??= 'production';
