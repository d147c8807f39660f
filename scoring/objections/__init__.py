"""Feedback to the reviewed units and their objections (反馈与异议).

The lead releases a campaign's preliminary results with a deadline (`window`); from then on each unit's
liaison (Role.LIAISON, tied to one unit) sees only their own unit's final marks, standing deductions and
vetoes with reason, location and comment, never a reviewer's name (`liaison`), and may object to a
deduction or a veto with grounds and PDF attachments until the deadline (`filing`). The lead assigns each
objection to a panel member who did not score the file and is not from its unit; that member upholds it,
or accepts it fully or in part by recording amended final marks through the re-check path, so the file's
final result, the unit figures, the notice and the supervision recommendations all follow (`deciding`).
Publishing is refused while the window is open or an objection undecided (`counts`). Everything is
audited.

Import from the submodules (`counts` is read by `scoring.workflow.campaigns`, so this package imports nothing).
"""
