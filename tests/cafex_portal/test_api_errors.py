"""One error shape for the whole API, stated in the schema."""

from tests import factories


def test_every_api_error_has_one_shape(api_client, db, settings):
    api_client.force_authenticate(factories.editor())

    bad_body = api_client.post("/api/v1/reviews/", {"pmid": "not a number"}, format="json")
    assert bad_body.status_code == 400
    assert set(bad_body.json()) == {"detail", "errors"} and "pmid" in bad_body.json()["errors"]

    bad_filter = api_client.get("/api/v1/sync-runs/?review=%C2%B2")
    assert bad_filter.status_code == 400, "'²' passes str.isdigit() but is not a PMID"
    assert "review" in bad_filter.json()["errors"]

    missing = api_client.get("/api/v1/reviews/1/")
    assert missing.status_code == 404 and set(missing.json()) == {"detail"}

    api_client.force_authenticate(None)
    anonymous = api_client.get("/api/v1/sync-runs/")
    assert anonymous.status_code in (401, 403) and set(anonymous.json()) == {"detail"}


def test_the_schema_documents_the_error_shape_and_the_sync_run_filters(api_client, db):
    schema = api_client.get("/api/v1/schema/?format=json").json()
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"detail", "errors"}
    operation = schema["paths"]["/api/v1/sync-runs/"]["get"]
    assert {"review", "state"} <= {parameter["name"] for parameter in operation["parameters"]}
    assert operation["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
