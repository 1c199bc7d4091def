/* SPDX-License-Identifier: Apache-2.0 */
/* Run time of the MPS2 AN386 port: reset, SysTick clock, the counting heap
 * and the stack high-water mark (the stack is painted at reset).
 *
 * Faults (HardFault, MemManage, BusFault, UsageFault, and an integer
 * division by zero: DIV_0_TRP is set at reset) print the faulting PC and
 * CFSR and end the run with status 70.
 *
 * Clock: SysTick runs from the 25 MHz system clock of the board model and
 * interrupts every millisecond. Under `qemu-system-arm -icount shift=0` the
 * emulator's virtual clock advances exactly 1 ns per executed instruction,
 * so an386_ticks() * 40 is the number of instructions executed (40 ns per
 * 25 MHz tick): bench/70-target.sh counts instructions that way. */
#ifndef AN386_RT_H
#define AN386_RT_H

#include <stddef.h>
#include <stdint.h>

#define AN386_SYSCLK_HZ 25000000u
#define AN386_NS_PER_TICK 40u

/* 25 MHz ticks since reset (monotonic, 64-bit). */
uint64_t an386_ticks(void);
uint64_t an386_now_ms(void);

/* Decimal text of v in buf (newlib-nano's printf has no %llu). Returns buf. */
char *an386_u64(uint64_t v, char buf[21]);

/* Memory figures of this run. */
struct an386_mem {
    uint32_t static_ram;     /* .data + .bss (without the stack reserve) */
    uint32_t stack_size;     /* reserved */
    uint32_t stack_peak;     /* bytes of the stack ever written (painting) */
    uint32_t heap_peak;      /* high-water mark of the heap (sbrk: blocks + allocator overhead) */
    uint32_t heap_live_peak; /* peak of the bytes requested and not yet freed */
    uint32_t heap_live;      /* now */
};
void an386_mem(struct an386_mem *m);
/* Start a new measurement window: re-paint the unused stack, reset the peaks
 * of the heap counters to their current values. */
void an386_mem_reset_peaks(void);

/* The counting allocator (mbedTLS's calloc/free: MBEDTLS_PLATFORM_MEMORY). */
void *an386_calloc(size_t n, size_t size);
void an386_free(void *p);

#endif
