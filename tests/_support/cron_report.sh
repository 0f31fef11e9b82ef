#!/bin/sh
# /home/me/bin/youtube-report: run by cron, so every path is absolute.
set -eu
ytsession=/home/me/ytsession/.venv/bin/ytsession

# Exit status 3: the login is dead (log in again); 4: the network failed (the next run retries).
token=$("$ytsession" token --profile cron)

# printf is built into the shell: the token never shows in a command line (ps, /proc/*/cmdline).
printf 'Authorization: Bearer %s\n' "$token" |
    curl --fail --silent --show-error --max-time 60 --header @- \
        'https://www.googleapis.com/youtube/v3/channels?part=id&mine=true'
