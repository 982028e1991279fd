"""Every model, imported in one place so that Alembic and the tests see the whole schema."""
from consult.accounts.models import Membership, Organization, User  # noqa: F401
from consult.audit.models import AuditEntry  # noqa: F401
from consult.site.models import CityProfile  # noqa: F401
from consult.notifications.models import Notification, NotificationSettings  # noqa: F401
from consult.follows.models import Follow  # noqa: F401
from consult.api.models import ApiToken  # noqa: F401
from consult.moderation.models import Report  # noqa: F401
from consult.processes.models import PhaseChange, Process  # noqa: F401
from consult.proposals.models import Proposal  # noqa: F401
from consult.comments.models import Comment, CommentEdit  # noqa: F401
from consult.votes.models import Vote, VoteTally  # noqa: F401
from consult.plans.models import ActionPlan, Milestone, ProgressUpdate  # noqa: F401
from consult.reports.models import ProcessReport  # noqa: F401
from consult.documents.models import Amendment, Document, Section, SectionRevision  # noqa: F401
from consult.drafts.models import Draft, DraftCoauthor, DraftRevision, ProposalCredit  # noqa: F401
from consult.moderation.models import Report  # noqa: F401
from consult.mail.models import MailDelivery  # noqa: F401
from consult.identity.models import IdentityLink  # noqa: F401
from consult.meetings.models import Meeting, Registration  # noqa: F401
from consult.funding.models import CallInterest, FundingCall  # noqa: F401
from consult.newsletter.models import NewsletterMessage, NewsletterSending, NewsletterSubscription  # noqa: F401,E402
from consult.news.models import NewsImage, NewsItem  # noqa: F401
from consult.questionnaires.models import Answer, Option, Question, Questionnaire, Response  # noqa: F401,E402
from consult.devices.models import UserSession  # noqa: F401
import consult.search.schema  # noqa: E402,F401  (search index tables and triggers, both databases)
from consult.attachments.models import Attachment  # noqa: F401,E402  (issue 21)
