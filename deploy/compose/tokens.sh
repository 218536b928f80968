#!/usr/bin/env bash
# tokens.sh makes the API tokens of the local stack (docs/api.md, Tokens).
#
#   deploy/compose/tokens.sh                       the token Prometheus scrapes with (role monitor),
#                                                  unless it exists; run it once before `docker compose up`
#   deploy/compose/tokens.sh new NAME ROLES [OPERATOR]
#                                                  another token, e.g. `new alice admin`,
#                                                  `new dhl-de operator DHL-DE`; prints the token
#
# It writes into deploy/compose/secrets/ (ignored by git):
#   tokens.yaml        the entries the engine reads (api.tokens_file): names, roles, hashes only
#   prometheus.token   the monitor token itself, for Prometheus's credentials_file
#
# The tokens are made by `parcelguard token new`: the binary named by
# $PARCELGUARD if set (e.g. PARCELGUARD=bin/parcelguard), else the compose
# image (`docker compose run --rm --no-deps parcelguard ...`, built if missing).
# The engine reads tokens_file at start: after `new`, run
# `docker compose -f deploy/docker-compose.yml restart parcelguard`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SECRETS="${PARCELGUARD_SECRETS_DIR:-$HERE/secrets}"
COMPOSE_FILE="$HERE/../docker-compose.yml"

die() { printf 'tokens.sh: %s\n' "$*" >&2; exit 1; }

pg() {
	if [[ -n "${PARCELGUARD:-}" ]]; then
		"$PARCELGUARD" "$@"
	else
		docker compose -f "$COMPOSE_FILE" run --rm -T --no-deps parcelguard "$@"
	fi
}

# yq quotes a string for YAML (single quotes, ' doubled).
yq() { printf "'%s'" "${1//\'/\'\'}"; }

# make NAME ROLES [OPERATOR]: prints the new token on stdout and appends its
# entry to tokens.yaml.
make_token() {
	local name=$1 roles=$2 operator=${3:-} token hash list="" r
	[[ -n "$name" && -n "$roles" ]] || die "a token needs a name and roles"
	if [[ -f "$SECRETS/tokens.yaml" ]] && grep -qxF -- "- name: $(yq "$name")" "$SECRETS/tokens.yaml"; then
		die "a token named $name is already in $SECRETS/tokens.yaml: remove its entry first, or pick another name"
	fi
	local args=(token new -name "$name" -roles "$roles")
	[[ -z "$operator" ]] || args+=(-operator "$operator")
	# token new checks the roles and prints the token alone on stdout.
	local err
	err="$(mktemp)"
	if ! token="$(pg "${args[@]}" 2>"$err")"; then
		cat "$err" >&2
		rm -f "$err"
		die "parcelguard ${args[*]} failed"
	fi
	rm -f "$err"
	[[ "$token" == pg_* ]] || die "unexpected output from parcelguard token new"
	hash="$(printf '%s\n' "$token" | pg token hash)" || die "parcelguard token hash failed"
	[[ "$hash" == sha256:* ]] || die "unexpected output from parcelguard token hash"
	IFS=, read -ra rs <<<"$roles"
	for r in "${rs[@]}"; do
		r="${r// /}"
		[[ -z "$r" ]] || list+="${list:+, }$r"
	done
	{
		printf -- '- name: %s\n  hash: %s\n  roles: [%s]\n' "$(yq "$name")" "$hash" "$list"
		[[ -z "$operator" ]] || printf '  operator: %s\n' "$(yq "$operator")"
	} >>"$SECRETS/tokens.yaml"
	printf '%s\n' "$token"
}

umask 022 # the engine (uid 65532) and Prometheus (uid 65534) read these files
mkdir -p "$SECRETS"

case "${1:-}" in
"")
	if [[ -s "$SECRETS/prometheus.token" ]]; then
		echo "tokens.sh: $SECRETS/prometheus.token exists; nothing to do" >&2
		exit 0
	fi
	make_token prometheus monitor >"$SECRETS/prometheus.token.tmp"
	mv "$SECRETS/prometheus.token.tmp" "$SECRETS/prometheus.token"
	echo "tokens.sh: wrote $SECRETS/tokens.yaml and $SECRETS/prometheus.token (role monitor)" >&2
	;;
new)
	shift
	(($# >= 2 && $# <= 3)) || die "usage: tokens.sh new NAME ROLES [OPERATOR]"
	[[ -f "$SECRETS/tokens.yaml" ]] || die "run tokens.sh without arguments first"
	token="$(make_token "$@")"
	echo "tokens.sh: the token for $1 (shown only now):" >&2
	printf '%s\n' "$token"
	echo "tokens.sh: added to $SECRETS/tokens.yaml; restart the engine to load it:" >&2
	echo "  docker compose -f deploy/docker-compose.yml restart parcelguard" >&2
	;;
*)
	die "usage: tokens.sh | tokens.sh new NAME ROLES [OPERATOR]"
	;;
esac
