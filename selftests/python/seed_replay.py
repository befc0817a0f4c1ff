# SPDX-License-Identifier: LGPL-2.1-or-later
# The seed's replay example, as users of the original SDK write it
# (issue 13): replay every event and compare each IMR with the register.
from cima import CimaSdk

event_logs = CimaSdk.inst().get_cc_eventlog()
replay_results = CimaSdk.inst().replay_cc_eventlog(event_logs)
for r in replay_results:
    for alg in replay_results[r]:
        imr = CimaSdk.inst().get_cc_measurement([r, alg])
        if imr.hash != replay_results[r][alg]:
            print("Replay IMR value does not match real IMR.")
        else:
            print("Verify event log replay value successfully.")
