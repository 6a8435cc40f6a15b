"""Keys come from job ids; a key GAS did not make for this user is refused."""

import pytest

from gas.keys import (
    ForgedKeyError,
    input_key,
    is_job_id,
    new_job_id,
    parse_input_key,
    result_keys,
)

USER = "6c5e1f7a-3b2d-4e8f-9a0b-1c2d3e4f5a6b"
OTHER = "0b7d3a52-6a1e-4d7b-9a8e-2f6d4c1b0a99"


def test_input_key_round_trip_keeps_display_name():
    job_id = new_job_id()
    key = f"gas/{USER}/{job_id}~my sample (1).vcf"
    parsed = parse_input_key("gas", USER, key)
    assert (parsed.job_id, parsed.file_name) == (job_id, "my sample (1).vcf")


def test_input_key_sanitises_names():
    key = input_key("gas", USER, new_job_id(), "../../etc/pass wd.vcf")
    assert key.startswith(f"gas/{USER}/") and key.endswith("~pass_wd.vcf")


@pytest.mark.parametrize(
    "key",
    [
        f"gas/{OTHER}/{new_job_id()}~a.vcf",
        f"gas/{USER}/not-a-uuid~a.vcf",
        f"gas/{USER}/{new_job_id()}a.vcf",
        f"gas/{USER}/{new_job_id()}~",
        f"gas/{USER}/{new_job_id()}~sub/dir.vcf",
        f"gas/{USER}/{new_job_id()}~a\x00.vcf",
        f"other/{USER}/{new_job_id()}~a.vcf",
        f"gas/{USER}/{new_job_id()}~" + "a" * 2000,
    ],
    ids=["other-user", "bad-id", "no-tilde", "no-name", "slash", "nul", "prefix", "long"],
)
def test_forged_keys_are_refused(key):
    with pytest.raises(ForgedKeyError):
        parse_input_key("gas", USER, key)


@pytest.mark.parametrize(
    ("name", "stem"), [("a.vcf", "a"), ("a.vcf.gz", "a"), ("b c.txt", "b_c.txt"), ("...", "input")]
)
def test_result_keys_use_the_stem(name, stem):
    keys = result_keys("gas", USER, "J", name)
    assert keys["s3_key_result_file"] == f"gas/{USER}/J~{stem}.annot.vcf"
    assert keys["s3_key_log_file"].endswith(f"J~{stem}.vcf.count.log")
    assert keys["s3_key_summary_file"].endswith(f"J~{stem}.summary.json")


@pytest.mark.parametrize("value", [f"{USER}\n", f" {USER}", USER.upper(), USER[:-1], "", None, 7])
def test_only_a_whole_lower_case_uuid_is_a_job_id(value):
    assert not is_job_id(value)
