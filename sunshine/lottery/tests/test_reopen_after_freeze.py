"""Once a draw has frozen its roster, the bureau can no longer reopen the school's decisions."""

import pytest
from django.urls import reverse

from sunshine.enrollment.models import Application, TransitionError
from sunshine.lottery.models import Draw
from sunshine.lottery.tests.conftest import commit_all

pytestmark = pytest.mark.django_db
S = Application.Status


def test_it_refuses_to_reopen_after_the_freeze(client, draft, demo, roster):
    bureau = demo["bureau_zlj"]
    application = Application.objects.filter(school__code="TML", status=S.ELIGIBLE).first()
    tks = Application.objects.filter(school__code="TKS", status=S.ELIGIBLE).first()
    commit_all(draft, bureau)
    draft.freeze(bureau)

    client.force_login(bureau)
    response = client.post(
        reverse("enrollment:reopen", args=[application.pk]), {"reason": "更正"}, follow=True
    )
    page = response.content.decode()
    assert "已冻结名单" in page and draft.code in page
    assert Application.objects.get(pk=application.pk).status == S.ELIGIBLE
    ineligible = Application.objects.get(school__code="TML", status=S.INELIGIBLE)
    with pytest.raises(TransitionError, match=draft.code):
        ineligible.reopen("更正", bureau)
    # Another school, not in the draw, may still be corrected.
    tks.reopen("更正", bureau)
    assert tks.status == S.UNDER_REVIEW


def test_a_draft_or_cancelled_draw_does_not_block(draft, demo, roster):
    bureau = demo["bureau_zlj"]
    application = Application.objects.filter(school__code="TML", status=S.ELIGIBLE).first()
    application.reopen("草稿阶段更正", bureau)
    assert application.status == S.UNDER_REVIEW
    application.decide(S.ELIGIBLE, "复核通过", bureau)
    commit_all(draft, bureau)
    draft.freeze(bureau)
    Draw.objects.get(pk=draft.pk).cancel("清单有误，重新摇号", bureau)
    application.reopen("取消后更正", bureau)
    assert application.status == S.UNDER_REVIEW
