"""Publishing a campaign's results, and who may read them: the top of the workflow.

Results are published only once every sampled file has its final result (`scoring.workflow.progress`);
the lead reads every campaign's results, everyone else only published ones.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring import audit, audit_verify
from scoring.db.models import Campaign, User
from scoring.domain import CampaignStatus, SampledFileState
from scoring.errors import PermissionDenied, ValidationFailed
from scoring.messages import Msg
from scoring.objections.counts import publish_blocker
from scoring.policy import Action, Situation, allowed, check
from scoring.workflow.progress import file_states, state_counts

PUBLISHED = CampaignStatus.PUBLISHED


def publish_campaign(session: Session, actor: User, campaign: Campaign) -> Campaign:
    """Publish the results: every sampled file must have its final result (re-checks done)."""
    actor = check(actor, Action.PUBLISH)
    if campaign.status == PUBLISHED:
        raise ValidationFailed(code="campaign.published_already", name=campaign.name)
    blocker = publish_blocker(session, campaign.id)
    if blocker:
        raise ValidationFailed(code=blocker.code, **blocker.params)
    counts = state_counts(session, actor, campaign.id)
    if not sum(counts.values()):
        raise ValidationFailed(code="campaign.nothing_to_publish")
    open_states = tuple(s for s in counts if s != SampledFileState.FINAL)
    open_files, n_open = file_states(session, actor, campaign.id, states=open_states, limit=5)
    if n_open:
        shown = [Msg("publish.open_file", {"case_number": f.case_number, "state": Msg(f"file_state.{f.state}")})
                 for f in open_files]
        more = Msg("publish.more_files", {"n": n_open - len(open_files)}) if n_open > len(open_files) else ""
        raise ValidationFailed(code="publish.files_open", n=n_open, files=shown, more=more)
    verified = audit_verify.verify(session.get_bind(), campaign.id)
    if not verified.ok:
        raise ValidationFailed(code="audit.publish_refused", name=campaign.name,
                               first=verified.messages()[0])
    old = campaign.status
    campaign.status = PUBLISHED
    session.flush()
    audit.record(session, actor_id=actor.id, action="publish_campaign", entity="campaign", entity_id=campaign.id,
                 old={"status": old}, new={"status": PUBLISHED})
    return campaign


def unpublish_campaign(session: Session, actor: User, campaign: Campaign, reason: str) -> Campaign:
    actor = check(actor, Action.PUBLISH)
    if campaign.status != PUBLISHED:
        raise ValidationFailed(code="campaign.not_published", name=campaign.name)
    if not reason.strip():
        raise ValidationFailed(code="campaign.withdraw_reason")
    campaign.status = CampaignStatus.REVIEWING
    session.flush()
    audit.record(session, actor_id=actor.id, action="unpublish_campaign", entity="campaign", entity_id=campaign.id,
                 old={"status": PUBLISHED}, new={"status": campaign.status}, note=reason.strip())
    return campaign


def can_read_results(actor: User | None, campaign: Campaign) -> bool:
    """`Action.READ_RESULTS`: the lead reads every campaign's results; everyone else only published ones."""
    return allowed(actor, Action.READ_RESULTS, Situation(published=campaign.status == PUBLISHED))


def readable_campaigns(session: Session, actor: User) -> list[Campaign]:
    campaigns = session.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())).all()
    return [c for c in campaigns if can_read_results(actor, c)]


def require_results_access(actor: User | None, campaign: Campaign) -> User:
    if actor is not None and actor.active and not can_read_results(actor, campaign):
        raise PermissionDenied(code="campaign.results_not_published", name=campaign.name)
    return check(actor, Action.READ_RESULTS, Situation(published=campaign.status == PUBLISHED),
                 what=Msg("policy.what.read_results_of", {"name": campaign.name}))
