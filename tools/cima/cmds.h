/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cima tool's subcommands.  Each lives in its own cmd_<name>.c and is
 * listed once in the table in cima.c; adding a subcommand is one prototype
 * here and one line there.
 */
#ifndef CIMA_TOOL_CMDS_H
#define CIMA_TOOL_CMDS_H

/* Each returns the process exit status (see util.h, CIMA_EXIT_*). */
int cmd_eventlog(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_container(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_measurement(int argc, char **argv);
int cmd_verify_report(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_reference(int argc, char **argv);
/* cima verify --evidence (cmd_verify() hands over when it sees it). */
int cmd_verify_evidence(int argc, char **argv);

#endif
