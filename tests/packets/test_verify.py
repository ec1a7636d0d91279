"""Tampering: each alteration is named by the verify command and by the standalone verify.py."""

from __future__ import annotations

import ast
import base64
import json
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from nacl.signing import SigningKey

from evidence.packets import verify
from tests.packets.conftest import OTHER_SEED, PUBLIC_KEY_B64, sha256, zip_entries

pytestmark = pytest.mark.django_db
Entries = dict[str, bytes]


def _rewrite(source: str, target: Path, change: Callable[[Entries], Entries]) -> Path:
    entries = change(zip_entries(source))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return target


def _flip_byte(entries: Entries) -> Entries:
    data = bytearray(entries["controls/DP-10/results.csv"])
    data[len(data) // 2] ^= 0x01
    return {**entries, "controls/DP-10/results.csv": bytes(data)}


def _remove_evidence(entries: Entries) -> Entries:
    victim = next(name for name in entries if name.startswith("evidence/"))
    return {name: data for name, data in entries.items() if name != victim}


def _add_file(entries: Entries) -> Entries:
    return {**entries, "evidence/extra.json": b'{"configuration": "planted"}'}


def _resign_with_other_key(entries: Entries) -> Entries:
    """Alter a CSV, fix its manifest entry, and sign the new manifest with another key."""
    forged = entries["controls/DP-10/results.csv"].replace(b"FAIL", b"PASS")
    manifest = json.loads(entries["manifest.json"])
    for item in manifest["files"]:
        if item["path"] == "controls/DP-10/results.csv":
            item.update(sha256=sha256(forged), size=len(forged))
    key = SigningKey(OTHER_SEED)
    manifest["public_key"] = base64.b64encode(bytes(key.verify_key)).decode()
    manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
    return {
        **entries,
        "controls/DP-10/results.csv": forged,
        "manifest.json": manifest_bytes,
        "manifest.sig": base64.b64encode(key.sign(manifest_bytes).signature),
    }


TAMPERING = {
    "changed byte": (_flip_byte, "altered: controls/DP-10/results.csv"),
    "removed file": (_remove_evidence, "missing: evidence/"),
    "added file": (_add_file, "extra: evidence/extra.json"),
    "re-signed with another key": (
        _resign_with_other_key,
        "signature: manifest.sig does not verify",
    ),
}


def _standalone(packet: Path, *args: str, tools: Path) -> subprocess.CompletedProcess[str]:
    """Run the tools/verify.py shipped inside the packet, isolated from the project."""
    return subprocess.run(
        [sys.executable, "-I", str(tools), str(packet), *args],
        capture_output=True,
        text=True,
        cwd=tools.parent,
        timeout=60,
    )


@pytest.fixture
def shipped_verifier(small_packet, tmp_path: Path) -> Path:
    tools = tmp_path / "auditor" / "verify.py"
    tools.parent.mkdir()
    tools.write_bytes(zip_entries(small_packet.file.path)["tools/verify.py"])
    return tools


def test_intact_packet_verifies(small_packet, shipped_verifier, capsys):
    call_command("verify_packet", small_packet.file.path)
    assert "OK: " in capsys.readouterr().out
    result = _standalone(
        Path(small_packet.file.path), "--public-key", PUBLIC_KEY_B64, tools=shipped_verifier
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: ")


@pytest.mark.parametrize("case", TAMPERING, ids=list(TAMPERING))
def test_tampering_is_detected(case, small_packet, shipped_verifier, tmp_path, capsys):
    change, expected = TAMPERING[case]
    tampered = _rewrite(small_packet.file.path, tmp_path / "tampered.zip", change)

    with pytest.raises(CommandError):
        call_command("verify_packet", str(tampered))
    assert expected in capsys.readouterr().err

    result = _standalone(tampered, "--public-key", PUBLIC_KEY_B64, tools=shipped_verifier)
    assert result.returncode == 1
    assert expected in result.stdout


def test_resigned_packet_is_consistent_except_for_the_key(small_packet, tmp_path):
    tampered = _rewrite(small_packet.file.path, tmp_path / "t.zip", _resign_with_other_key)
    report = verify.verify_packet(str(tampered), PUBLIC_KEY_B64)
    assert report.files_checked == len(report.manifest["files"])
    assert all(problem.startswith("signature:") for problem in report.problems)
    assert len(report.problems) == 2  # names another key, and the signature fails for ours


def test_corrupted_zip_bytes_on_disk_are_detected(small_packet, tmp_path):
    data = bytearray(Path(small_packet.file.path).read_bytes())
    with zipfile.ZipFile(small_packet.file.path) as archive:
        info = archive.getinfo("report.html")
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    data_start = info.header_offset + 30 + name_length + extra_length
    data[data_start + info.compress_size // 2] ^= 0xFF  # inside its deflated bytes
    corrupted = tmp_path / "corrupted.zip"
    corrupted.write_bytes(bytes(data))
    report = verify.verify_packet(str(corrupted), PUBLIC_KEY_B64)
    assert [p for p in report.problems if p.startswith("altered: report.html")], report.problems


def test_without_a_trusted_key_the_standalone_verifier_refuses(small_packet, shipped_verifier):
    result = _standalone(Path(small_packet.file.path), tools=shipped_verifier)
    assert result.returncode == 1
    assert "no --public-key given" in result.stdout


def test_not_a_zip_exits_2(tmp_path, shipped_verifier):
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(b"not a zip")
    assert (
        _standalone(bogus, "--public-key", PUBLIC_KEY_B64, tools=shipped_verifier).returncode == 2
    )


def test_verifier_imports_only_stdlib_and_nacl():
    tree = ast.parse(Path(verify.__file__).read_text())
    modules = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert modules - {"__future__"} <= set(sys.stdlib_module_names) | {"nacl"}
    assert "django" not in modules and "nacl" in modules


def test_an_unpacked_folder_and_a_zip_r_of_it_verify(small_packet, shipped_verifier, tmp_path):
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(small_packet.file.path) as archive:
        archive.extractall(folder)
    assert verify.verify_packet(str(folder), PUBLIC_KEY_B64).problems == []
    result = _standalone(folder, "--public-key", PUBLIC_KEY_B64, tools=shipped_verifier)
    assert result.returncode == 0, result.stdout + result.stderr

    # zip -r writes an entry for every directory: those are not files and are ignored.
    rezipped = tmp_path / "rezipped.zip"
    subprocess.run(["zip", "-qr", str(rezipped), "."], cwd=folder, check=True, timeout=60)
    with zipfile.ZipFile(rezipped) as archive:
        assert any(info.is_dir() for info in archive.infolist())
    report = verify.verify_packet(str(rezipped), PUBLIC_KEY_B64)
    assert report.problems == [] and report.files_checked == len(report.manifest["files"])

    # An edit in the folder is named with what differs.
    target = folder / "controls" / "DP-10" / "results.csv"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    (folder / "controls" / "DP-10" / "daily_status.csv").write_bytes(b"date\n")
    (folder / "evidence" / "planted.json").write_bytes(b"{}")
    problems = verify.verify_packet(str(folder), PUBLIC_KEY_B64).problems
    assert any(p.startswith("altered: controls/DP-10/results.csv (same size") for p in problems), (
        problems
    )
    assert any(
        p.startswith("altered: controls/DP-10/daily_status.csv (size 5 bytes, manifest says")
        for p in problems
    ), problems
    assert "extra: evidence/planted.json is not listed in the manifest" in problems
