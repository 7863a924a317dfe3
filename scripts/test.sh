#!/usr/bin/env bash
# Runs the whole test suite from nothing: virtualenv and packages (uv, from the lock file), the
# front-end assets (npm, from package-lock.json), the Debian packages the suite needs when run as
# root (PostgreSQL, Java for PySpark, Chromium for the browser tests, Pango for PDF reports,
# LibreOffice Writer for the Word reports' layout test), a
# throwaway PostgreSQL server on loopback, then ruff, mypy and pytest. Extra arguments go to pytest.
# The cluster tests start (and stop) their own Spark standalone master and two workers on loopback
# from the pyspark installation, in a pytest fixture; Java is all they need.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-uv}

export UV_COMPILE_BYTECODE=1
"$UV" sync --frozen --all-extras --quiet
.venv/bin/python -m compileall -q src
make --no-print-directory assets

# Style and types first: they take seconds and fail for reasons the tests would hide.
.venv/bin/ruff check src tests benchmarks
.venv/bin/mypy

if [ "$(id -u)" = 0 ]; then
  need=()
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
  # Debian's default JRE (17 on bookworm, 21 on trixie): Spark 4 runs on either.
  command -v java >/dev/null || need+=(default-jre-headless)
  [ -x /usr/bin/chromium ] || need+=(chromium fonts-liberation)
  ldconfig -p | grep -q libpangoft2-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
  # LibreOffice converts the Word reports to PDF to check they lay out as the PDF does.
  command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
  if [ ${#need[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
postgres_start
trap postgres_stop EXIT

# loadgroup: the tests of one xdist_group (the Spark cluster's) share one worker, so one cluster.
.venv/bin/pytest -n "${PYTEST_WORKERS:-2}" --dist loadgroup "$@"
