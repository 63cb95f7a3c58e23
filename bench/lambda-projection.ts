/**
 * From CPU time measured here to Lambda: Lambda gives a function CPU in proportion to its memory,
 * one full vCPU at 1,769 MB (docs: Lambda memory configuration). The CPU-bound part of a request
 * stretches by 1,769 / memory; the part spent waiting (wall − CPU: here the loopback fakes, in AWS
 * the network round trips) does not. Prices: arm64, us-east-1, first pricing tier (docs: Lambda pricing).
 */
export const LAMBDA_MEMORY_SIZES = [256, 512, 1_024, 1_769] as const;
const FULL_VCPU_MB = 1_769;
const USD_PER_GB_SECOND_ARM64 = 0.0000133334;
const USD_PER_MILLION_REQUESTS = 0.2;

export interface MeasuredTimes {
  readonly coldMs: number;
  readonly coldCpuMs: number;
  readonly warm2kMs: number;
  readonly warm2kCpuMs: number;
  readonly warm200kMs: number;
  readonly warm200kCpuMs: number;
}

export interface MemoryRow {
  readonly memoryMb: number;
  readonly vcpu: number;
  readonly coldMs: number;
  readonly warm2kMs: number;
  readonly warm200kMs: number;
  /** Requests plus compute for a warm 2.3 KB alert (billed per millisecond, rounded up). */
  readonly costPerMillion: number;
  /** What each 10 ms of waiting (an SQS round trip in AWS) adds per million alerts. */
  readonly costPer10msWait: number;
}

export function projectedMs(wallMs: number, cpuMs: number, memoryMb: number): number {
  const vcpu = Math.min(1, memoryMb / FULL_VCPU_MB);
  return cpuMs / vcpu + Math.max(0, wallMs - cpuMs);
}

export function memoryTable(measured: MeasuredTimes): MemoryRow[] {
  return LAMBDA_MEMORY_SIZES.map((memoryMb) => {
    const gb = memoryMb / 1024;
    const warm2kMs = projectedMs(measured.warm2kMs, measured.warm2kCpuMs, memoryMb);
    return {
      memoryMb,
      vcpu: Math.min(1, memoryMb / FULL_VCPU_MB),
      coldMs: projectedMs(measured.coldMs, measured.coldCpuMs, memoryMb),
      warm2kMs,
      warm200kMs: projectedMs(measured.warm200kMs, measured.warm200kCpuMs, memoryMb),
      costPerMillion: USD_PER_MILLION_REQUESTS + 1e6 * gb * (Math.ceil(warm2kMs) / 1000) * USD_PER_GB_SECOND_ARM64,
      costPer10msWait: 1e6 * gb * 0.01 * USD_PER_GB_SECOND_ARM64,
    };
  });
}
