"""Settings come from the environment; production refuses to start without its required ones."""

import pytest

from gas.config import SettingsError, load_settings


def test_dev_defaults(tmp_path):
    settings = load_settings({"GAS_DATA_DIR": str(tmp_path)})
    assert settings.env == "dev"
    assert settings.free_user_data_retention == 300
    assert settings.free_user_max_upload_bytes == 153600
    assert settings.archive_backend == "s3-glacier"
    assert settings.port == 5000
    assert settings.database_url == f"sqlite:///{tmp_path / 'accounts.db'}"


def test_stack_env_fills_unset_values_and_environment_wins(tmp_path):
    (tmp_path / "stack.env").write_text("AWS_ENDPOINT_URL=http://127.0.0.1:9\nPORT=6000\n# c\n")
    settings = load_settings({"GAS_DATA_DIR": str(tmp_path), "PORT": "7000"})
    assert settings.aws_endpoint_url == "http://127.0.0.1:9"
    assert settings.port == 7000


def test_prod_requires_settings():
    with pytest.raises(SettingsError, match="SECRET_KEY") as info:
        load_settings({"GAS_ENV": "prod", "AWS_REGION": "us-east-1"})
    assert "GLOBUS_CLIENT_SECRET" in str(info.value)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("GAS_ENV", "staging", "GAS_ENV"),
        ("PORT", "x", "not an integer"),
        ("PORT", "70000", "out of range"),
        ("GAS_ARCHIVE_BACKEND", "tape", "s3-glacier, glacier-vault"),
        ("FREE_USER_DATA_RETENTION", "-1", "out of range"),
    ],
)
def test_bad_values_name_the_setting(tmp_path, key, value, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({"GAS_DATA_DIR": str(tmp_path), key: value})


@pytest.mark.parametrize(("value", "level"), [("", "INFO"), ("WARNING", "WARNING"),
                                              ("DEBUG", "DEBUG")])
def test_log_level_is_a_setting(tmp_path, value, level):
    assert load_settings({"GAS_DATA_DIR": str(tmp_path), "GAS_LOG_LEVEL": value}).log_level == level


def test_a_bad_log_level_names_the_setting(tmp_path):
    with pytest.raises(SettingsError, match="GAS_LOG_LEVEL='loud' must be one of DEBUG"):
        load_settings({"GAS_DATA_DIR": str(tmp_path), "GAS_LOG_LEVEL": "loud"})
