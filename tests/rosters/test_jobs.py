"""Import jobs through the pages: upload, errors, import valid rows, background progress."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiceng.people.models import Resident
from jiceng.rosters.models import ImportJob, JobStatus
from tests.rosters.conftest import resident_row, workbook

pytestmark = pytest.mark.django_db

BAD_ID = "370303198005170010"


def _upload(client, rows, kind="residents", **extra):
    data = workbook(kind, rows)
    return client.post("/rosters/", {"kind": kind, "file": SimpleUploadedFile("名册.xlsx", data), **extra})


def test_a_clean_upload_imports_and_shows_the_result(world):
    client = world.client("secretary")
    response = _upload(client, [resident_row(10), resident_row(11)])
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/rosters/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE and job.percent == 100
    page = client.get(response.url).content.decode()
    assert "导入完成" in page and "新增居民 2" in page


def test_an_upload_with_a_bad_row_shows_it_and_offers_the_valid_rows(world):
    client = world.client("secretary")
    before = Resident.objects.count()
    response = _upload(client, [resident_row(10), resident_row(11, id_number=BAD_ID), resident_row(12)])
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED and job.error_rows == 1 and job.valid_rows == 2
    assert Resident.objects.count() == before
    page = client.get(response.url).content.decode()
    assert "身份证号码校验位错误，请核对是否抄错" in page
    assert "只导入正确的行" in page and "下载错误报告" in page

    response = client.post(f"/rosters/jobs/{job.pk}/import-valid/")

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.skipped_rows == [3]
    assert job.created_counts == {"households": 2, "residents": 2}
    assert Resident.objects.count() == before + 2
    page = client.get(response.url).content.decode()
    assert "跳过的行" in page and "3" in page
    # A second click does nothing more.
    client.post(f"/rosters/jobs/{job.pk}/import-valid/")
    assert Resident.objects.count() == before + 2


def test_check_only_waits_for_confirmation(world):
    client = world.client("secretary")
    _upload(client, [resident_row(10)], check_only="on")
    job = ImportJob.objects.get()
    assert job.status == JobStatus.READY
    assert not Resident.objects.filter(name=resident_row(10)["name"]).exists()
    client.post(f"/rosters/jobs/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_a_file_that_is_not_a_roster_is_refused_on_the_form(world):
    client = world.client("secretary")
    response = client.post(
        "/rosters/", {"kind": "residents", "file": SimpleUploadedFile("x.xlsx", b"not excel")}
    )
    assert response.status_code == 200
    assert "无法读取文件" in response.content.decode()
    response = client.post("/rosters/", {"kind": "residents", "file": SimpleUploadedFile("x.csv", b"a,b")})
    assert ".xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_large_files_run_in_the_worker_and_progress_reaches_100_percent(world, settings, monkeypatch):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    from jiceng.rosters import base, services, tasks

    monkeypatch.setattr(base, "PROGRESS_STEP", 2)
    seen = []
    real = services.run_job
    monkeypatch.setattr(services, "run_job", lambda job_id: (seen.append("worker"), real(job_id)))
    updates = []
    original_update = ImportJob.objects.filter

    def spy(*args, **kwargs):
        qs = original_update(*args, **kwargs)
        real_update = qs.update

        def update(**fields):
            if "progress" in fields:
                updates.append(fields["progress"])
            return real_update(**fields)

        qs.update = update
        return qs

    monkeypatch.setattr(ImportJob.objects, "filter", spy)
    assert tasks.run_import_job  # the huey task exists; tests run huey immediately

    _upload(world.client("secretary"), [resident_row(i) for i in range(10, 15)])

    job = ImportJob.objects.get()
    assert seen == ["worker"]
    assert job.status == JobStatus.DONE
    assert (job.progress, job.total_rows, job.percent) == (5, 5, 100)
    assert 2 in updates and updates[-1] == 5


def test_the_progress_fragment_polls_while_running_and_refreshes_when_done(world):
    job = ImportJob.objects.create(
        user=world.users["secretary"],
        kind="residents",
        file_name="a.xlsx",
        data=b"",
        total_rows=10,
        progress=4,
        status=JobStatus.VALIDATING,
    )
    client = world.client("secretary")
    response = client.get(f"/rosters/jobs/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body and "40%" in body
    assert "HX-Refresh" not in response
    page = client.get(f"/rosters/jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, progress=10)
    response = client.get(f"/rosters/jobs/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true" and "every 1s" not in response.content.decode()


def test_a_job_is_only_visible_to_its_uploader(world):
    _upload(world.client("secretary"), [resident_row(10, id_number=BAD_ID)])
    job = ImportJob.objects.get()
    other = world.client("staff")
    for url in (
        f"/rosters/jobs/{job.pk}/",
        f"/rosters/jobs/{job.pk}/progress/",
        f"/rosters/jobs/{job.pk}/errors.xlsx",
    ):
        assert other.get(url).status_code == 404
    assert other.post(f"/rosters/jobs/{job.pk}/import-valid/").status_code == 404


def test_a_grid_worker_uploading_into_another_grid_gets_errors_and_nothing_is_written(world):
    before = Resident.objects.count()
    _upload(world.client("grid01"), [resident_row(10), resident_row(11, building="2号楼")])
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.errors[0]["row"] == 3 and job.errors[0]["column"] == "楼栋"
    assert Resident.objects.count() == before


@pytest.mark.parametrize("persona", ["district", "member", "resident", "auditor"])
def test_the_import_pages_need_the_import_permission(world, persona):
    assert world.client(persona).get("/rosters/").status_code == 403


def test_the_index_page_query_count_does_not_grow_with_jobs(world, django_assert_max_num_queries):
    client = world.client("secretary")
    client.get("/rosters/")
    for i in range(3):
        ImportJob.objects.create(
            user=world.users["secretary"], kind="residents", file_name=f"{i}.xlsx", data=b""
        )
    with django_assert_max_num_queries(12) as few:
        client.get("/rosters/")
    for i in range(30):
        ImportJob.objects.create(
            user=world.users["secretary"], kind="residents", file_name=f"x{i}.xlsx", data=b""
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "x29.xlsx" in client.get("/rosters/").content.decode()


def test_the_job_page_query_count_does_not_grow_with_errors(world, django_assert_max_num_queries):
    client = world.client("secretary")
    _upload(client, [resident_row(10, id_number=BAD_ID)])
    small = ImportJob.objects.get()
    with django_assert_max_num_queries(12) as few:
        client.get(f"/rosters/jobs/{small.pk}/")
    queries = len(few.captured_queries)  # read now: every request resets Django's query log
    _upload(client, [resident_row(i, id_number=BAD_ID) for i in range(10, 60)])
    big = ImportJob.objects.exclude(pk=small.pk).get()
    with django_assert_max_num_queries(queries):
        client.get(f"/rosters/jobs/{big.pk}/")


def test_a_job_whose_uploader_lost_the_permission_fails_with_a_message(world):
    from jiceng.accounts.models import RoleBinding
    from jiceng.rosters import services

    job = services.start_import(
        actor=world.users["secretary"],
        kind="residents",
        file_name="a.xlsx",
        data=workbook("residents", [resident_row(10, id_number=BAD_ID)]),
    )
    user = world.users["secretary"]
    RoleBinding.objects.filter(user=user).delete()
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    services.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == "您没有权限执行此操作"
