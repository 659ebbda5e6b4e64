package vn.gov.lgsp.hub.bench;

/** A JVM the benchmark started (the hub's, a broker's), its CPU read from /proc. */
interface MeasuredJvm {
    Process process();

    default long pid() {
        return process().pid();
    }

    /** CPU of the process so far (0 once it has ended). */
    default long cpuNanos() {
        return ResourceMeter.processCpuNanos(process().pid());
    }

    /** CPU of its JIT compiler threads so far. */
    default long compilerCpuNanos() {
        return ResourceMeter.compilerCpuNanos(process().pid());
    }
}
