# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


# The results option of every bulk module, Exchange Online and on premises alike.
class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  results:
    description:
      - In bulk mode, which objects the result's RV(results) lists. V(all) lists every object
        given, in the order given. V(changed) lists only those that changed (in check mode, that
        would change) or failed, and their diff with C(--diff); use it for an audit or a converge
        of a large organisation, where an entry for each object in sync costs the controller memory
        and time (at 60,000 mailboxes, gigabytes) and tells nothing.
      - Either way the result's C(counts) says how many objects the task converged (C(total)), how
        many changed (C(changed)), failed (C(failed)) and were in sync (C(unchanged)).
      - With V(changed) the result does not return the task's list of objects either - Ansible's
        C(invocation) (shown with C(-vvv)) then has the task's other options only.
      - The drift report (P(mailops.exchange.drift_report#filter), the C(desired_state) role) lists
        the objects in RV(results); with V(changed) it counts the objects in sync from C(counts) without listing them.
    type: str
    choices: [all, changed]
    default: all
"""
