/* accord-probe-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ACCORD_PROBE_ERROR (accord_probe_error_quark ())

/**
 * AccordProbeError:
 * @ACCORD_PROBE_ERROR_CONNECT: the server could not be reached, or turned the connection away
 * @ACCORD_PROBE_ERROR_TIMEOUT: the server did not answer in time
 * @ACCORD_PROBE_ERROR_CERTIFICATE: the server's certificate failed verification and does
 *   not match the pinned fingerprint
 * @ACCORD_PROBE_ERROR_NO_STARTTLS: STARTTLS was asked for, but the server does not offer it
 *   or refused it
 * @ACCORD_PROBE_ERROR_PROTOCOL: the server's answer is not what the protocol says, or too long
 *
 * Cancellation is reported as %G_IO_ERROR_CANCELLED.
 */
typedef enum
{
  ACCORD_PROBE_ERROR_CONNECT,     /*< nick=connect >*/
  ACCORD_PROBE_ERROR_TIMEOUT,     /*< nick=timeout >*/
  ACCORD_PROBE_ERROR_CERTIFICATE, /*< nick=certificate >*/
  ACCORD_PROBE_ERROR_NO_STARTTLS, /*< nick=no-starttls >*/
  ACCORD_PROBE_ERROR_PROTOCOL,    /*< nick=protocol >*/
} AccordProbeError;

GQuark accord_probe_error_quark (void);

G_END_DECLS
