"""The roster API router (mounted at /api/v1/rosters/ by jiceng/api.py)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from ninja.testing import TestClient
from openpyxl import load_workbook

from jiceng.rosters.api import router
from jiceng.rosters.models import JobStatus
from tests.rosters.conftest import resident_row, workbook

pytestmark = pytest.mark.django_db

BAD_ID = "370303198005170010"


@pytest.fixture
def api():
    return TestClient(router)


def test_upload_status_and_import_valid_rows(world, api):
    user = world.users["secretary"]
    data = workbook("residents", [resident_row(10), resident_row(11, id_number=BAD_ID)])
    response = api.post(
        "/jobs", data={"kind": "residents"}, FILES={"file": SimpleUploadedFile("r.xlsx", data)}, user=user
    )
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["status"] == JobStatus.FAILED and job["error_count"] == 1
    assert job["errors"][0] == {
        "sheet": "居民",
        "row": 3,
        "column": "身份证号码",
        "message": "身份证号码校验位错误，请核对是否抄错",
    }

    assert api.get(f"/jobs/{job['id']}", user=user).json()["status"] == "failed"
    assert api.get(f"/jobs/{job['id']}", user=world.users["staff"]).status_code == 404

    report = api.get(f"/jobs/{job['id']}/error-report", user=user)
    assert report.status_code == 200

    done = api.post(f"/jobs/{job['id']}/import-valid", user=user).json()
    assert done["status"] == "done" and done["skipped_rows"] == [3]
    assert done["created"] == {"households": 1, "residents": 1}


def test_template_and_export(world, api):
    user = world.users["secretary"]
    response = api.get("/templates/households", user=user)
    assert response.status_code == 200
    response = api.post("/export", json={"kind": "residents", "purpose": "走访"}, user=user)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.max_row == 3
