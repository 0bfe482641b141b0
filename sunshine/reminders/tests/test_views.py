import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sunshine.core.audit_models import AuditEntry
from sunshine.reminders.models import Campaign, MessageTemplate, StaffMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector(client, demo):
    client.force_login(demo["inspector_qx1"])
    return demo["inspector_qx1"]


def upload(text: str, name="staff.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_the_import_page_lists_errors_and_writes_nothing(client, inspector):
    csv = "姓名,单位,手机号\n王芳,龙隐小学,13800000001\n李强,火星小学,13800000002\n"
    r = client.post(reverse("reminders:staff_import"), {"file": upload(csv)})
    assert r.status_code == 400
    page = r.content.decode()
    assert "未导入任何数据" in page and "火星小学" in page and "<td>3</td>" in page
    assert StaffMember.objects.count() == 0


def test_the_import_page_imports_and_masks_numbers(client, inspector):
    csv = "姓名,单位,人员类别,手机号\n王芳,龙隐小学,学校领导,13812345678\n"
    r = client.post(reverse("reminders:staff_import"), {"file": upload(csv)}, follow=True)
    page = r.content.decode()
    assert "新增 1 人" in page
    assert "138****5678" in page and "13812345678" not in page
    assert StaffMember.objects.get().category == "school_leader"


def test_the_template_form_previews_and_refuses_unknown_placeholders(client, inspector, qx):
    url = reverse("reminders:template_new")
    data = {
        "name": "提醒",
        "subject": "{姓名}",
        "body": "{姓名}同志：{单位}请注意。",
        "action": "preview",
    }
    r = client.post(url, data)
    assert r.status_code == 200 and 'id="preview"' in r.content.decode()
    assert "张老师同志" in r.content.decode()  # a sample person while the directory is empty
    assert not MessageTemplate.objects.exists()
    bad = client.post(url, {**data, "body": "{姓名}同志，{密码}", "action": "save"})
    assert "未知的占位符 {密码}" in bad.content.decode()
    assert not MessageTemplate.objects.exists()
    client.post(url, {**data, "action": "save"})
    t = MessageTemplate.objects.get()
    assert (t.district, t.created_by) == (qx, inspector)
    assert AuditEntry.objects.filter(action="reminders.template_saved").exists()


def test_it_creates_previews_and_sends_a_campaign(
    client, inspector, template, orgs, make_staff, outboxes, django_capture_on_commit_callbacks
):
    make_staff(3, org="龙隐小学", category="school_leader", name="王芳")
    make_staff(2, org="汇通小学", category="school_leader")
    make_staff(4, org="龙隐小学", category="other")
    r = client.post(
        reverse("reminders:campaign_new"),
        {
            "title": "开学前提醒",
            "template": template.pk,
            "channel": "sms",
            "organisations": [orgs["龙隐小学"].pk],
            "categories": ["school_leader"],
            "season_start": "2026-07-01",
            "season_end": "2026-07-10",
        },
    )
    campaign = Campaign.objects.get(title="开学前提醒")
    assert r["Location"] == reverse("reminders:campaign_detail", args=[campaign.pk])
    page = client.get(r["Location"]).content.decode()
    assert "将发送给 3 人" in page and "王芳同志（龙隐小学教师）" in page
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("reminders:campaign_send", args=[campaign.pk]), follow=True)
    assert "已提交发送，共 3 人" in r.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMPLETED
    progress = client.get(reverse("reminders:campaign_progress", args=[campaign.pk])).json()
    assert progress | {"status_label": ""} == progress | {
        "status_label": "",
        "status": "completed",
        "total": 3,
        "sent": 3,
        "delivered": 3,
        "queued": 0,
        "progress": 100,
    }


def test_the_campaign_form_checks_dates(client, inspector, template):
    r = client.post(
        reverse("reminders:campaign_new"),
        {
            "title": "x",
            "template": template.pk,
            "channel": "sms",
            "season_start": "2026-07-10",
            "season_end": "2026-07-01",
            "scheduled_at": "2020-01-01T08:00",
        },
    )
    page = r.content.decode()
    assert "不能早于开始日期" in page and "已经过去" in page
    assert not Campaign.objects.exists()


def test_a_sending_campaign_page_refreshes_itself(client, inspector, campaign, make_staff):
    from sunshine.reminders import sending

    make_staff(2)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(sending, "enqueue", lambda *a, **k: True)
        campaign.queue()
    page = client.get(reverse("reminders:campaign_detail", args=[campaign.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "已发出 0 / 2" in page


def test_the_dashboard_and_the_stats_show_figures_per_organisation(
    client, inspector, campaign, make_staff, django_capture_on_commit_callbacks
):
    make_staff(2, org="龙隐小学")
    make_staff(1, org="汇通小学")
    with django_capture_on_commit_callbacks(execute=True):
        campaign.queue()
    d = campaign.deliveries.filter(organisation__name="汇通小学").get()
    d.mark_read()
    dashboard = client.get(reverse("core:dashboard")).content.decode()
    assert "廉洁提醒" in dashboard and "汇通小学" in dashboard
    stats = client.get(reverse("reminders:stats"), {"campaign": campaign.pk}).content.decode()
    assert "<td>汇通小学</td><td>1</td><td>1</td><td>1</td><td>0</td><td>1（100%）</td>" in stats
    client.force_login(campaign.created_by.__class__.objects.get(username="school_ly"))
    assert "廉洁提醒" not in client.get(reverse("core:dashboard")).content.decode()


def test_list_pages_keep_their_query_count(
    client, inspector, campaign, make_staff, django_assert_max_num_queries
):
    make_staff(60)
    with django_assert_max_num_queries(14):
        client.get(reverse("reminders:staff_list"))
    with django_assert_max_num_queries(14):
        client.get(reverse("reminders:index"))


def test_a_deactivated_person_gets_no_further_reminders(client, inspector, campaign, make_staff):
    from sunshine.reminders import sending

    stays, leaves = make_staff(2)
    url = reverse("reminders:staff_toggle", args=[leaves.pk])
    r = client.post(url, {"next": "https://evil.example.com/"})
    assert r["Location"] == reverse("reminders:staff_list")  # no open redirect
    leaves.refresh_from_db()
    assert not leaves.active
    assert AuditEntry.objects.filter(action="reminders.staff_deactivated").exists()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(sending, "enqueue", lambda *a, **k: True)
        campaign.queue()
    assert list(campaign.deliveries.values_list("staff", flat=True)) == [stays.pk]
    client.post(url, {"next": reverse("reminders:staff_list") + "?q=x"})
    leaves.refresh_from_db()
    assert leaves.active


def test_the_campaign_page_lists_recipients_by_state(
    client, inspector, campaign, make_staff, django_capture_on_commit_callbacks
):
    make_staff(3)
    with django_capture_on_commit_callbacks(execute=True):
        campaign.queue()
    campaign.deliveries.first().mark_read()
    url = reverse("reminders:campaign_detail", args=[campaign.pk])
    page = client.get(url, {"state": "read"}).content.decode()
    assert page.count('<span class="badge ok">已阅读</span>') == 1
    assert page.count('<span class="badge ok">已送达</span>') == 0
    assert client.get(url).content.decode().count('<span class="badge ok">已送达</span>') == 2


def test_the_campaign_page_keeps_its_query_count(
    client,
    inspector,
    campaign,
    make_staff,
    orgs,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    make_staff(40, org="龙隐小学")
    make_staff(40, org="汇通小学", channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        campaign.queue()
    with django_assert_max_num_queries(16):
        r = client.get(reverse("reminders:campaign_detail", args=[campaign.pk]))
    assert r.status_code == 200


def test_a_stalled_campaign_can_be_resumed_from_its_page(
    client, inspector, campaign, make_staff, outboxes, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from sunshine.reminders import sending

    make_staff(3)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(sending, "enqueue", lambda *a, **k: True)  # no worker picks it up
        campaign.queue()
    Campaign.objects.filter(pk=campaign.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    url = reverse("reminders:campaign_detail", args=[campaign.pk])
    assert "发送已停滞" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("reminders:campaign_resume", args=[campaign.pk]), follow=True)
    assert "已重新交给后台继续发送" in r.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMPLETED
    assert AuditEntry.objects.filter(action="reminders.campaign_resumed").exists()
