"""The README's commands are the ones CI runs, and there are exactly two set-up commands."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands():
    text = (ROOT / "README.md").read_text()
    setup = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n\s*```", setup, flags=re.S)


def test_readme_has_exactly_two_setup_commands():
    cmds = [c.strip() for c in _readme_commands()]
    assert len(cmds) == 2
    assert cmds[0].endswith("python -m dask_scale demo")
    assert "pytest" in cmds[1]


def test_ci_runs_the_readme_test_command():
    test_cmd = _readme_commands()[1].strip()
    script = (ROOT / "ci" / "test.sh").read_text()
    assert test_cmd in script
    assert "ci/test.sh" in (ROOT / ".ci" / "run").read_text()
