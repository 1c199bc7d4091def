/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal manifest restage DIR (see manifest_restage.c); argv[0] = "restage". */
#ifndef FWSEAL_MANIFEST_RESTAGE_H
#define FWSEAL_MANIFEST_RESTAGE_H

int manifest_restage(int argc, char **argv);

#endif
