/* SPDX-License-Identifier: Apache-2.0 */
/* UART0 of the MPS2 AN386 board (Arm CMSDK APB UART at 0x40004000), polled,
 * as a byte stream for the device library (device/fwd_stream.h): the link a
 * product's OTA agent might have to a modem or a gateway. Under QEMU it is
 * `-serial tcp:HOST:PORT` (or any chardev), so a host program can speak TLS
 * to the firmware through it (tests/e2e/target_tls.sh). */
#ifndef AN386_UART_H
#define AN386_UART_H

#include "device/fwd_stream.h"

/* Enable TX and RX; fills *out (recv waits for at least one byte up to
 * timeout_ms, then returns what is there; send writes everything). */
void an386_uart_stream(struct fwd_stream *out);

#endif
