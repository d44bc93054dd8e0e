"""A real S3-compatible server on loopback for the tests: moto's server mode (HTTP, no internet),
and the STORAGES setting that points the portal at a bucket on it."""

import socket

import boto3

REGION = "eu-north-1"
KEY_ID = "testnyckel"
SECRET = "testhemlighet"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )


def environment(endpoint: str, bucket: str) -> dict[str, str]:
    """The portal's documented variables (.env.example) for a bucket on this server."""
    return {
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": KEY_ID,
        "S3_SECRET_ACCESS_KEY": SECRET,
    }


def storages(endpoint: str, bucket: str) -> dict:
    """STORAGES as settings.py builds it from those variables."""
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": REGION,
                "access_key": KEY_ID,
                "secret_key": SECRET,
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def objects(endpoint: str, bucket: str) -> dict[str, bytes]:
    """Every object in the bucket: name → bytes."""
    s3 = client(endpoint)
    listing = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        item["Key"]: s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        for item in listing
    }
