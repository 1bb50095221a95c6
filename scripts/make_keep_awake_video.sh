#!/usr/bin/env bash
# Make the player's keep-awake clips (src/softspot/web/static/softspot/media/keep-awake.{webm,mp4}).
# Run once by hand when they need to change (needs Debian's ffmpeg); the clips are committed, made here,
# nothing borrowed: 6 s of black 64x64 frames with a silent audio track.
#
# Why an audio track: Firefox keeps the screen on only for a video that has one, and Safari (iOS) only
# for one that plays unmuted with sound and without the loop attribute (the player loops it by seeking).
# Chromium also accepts a muted video that covers more than a fifth of the screen (see docs/web.md).
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/src/softspot/web/static/softspot/media"
mkdir -p "$out"
black=(-f lavfi -i "color=c=black:s=64x64:r=2:d=6")
common=(-t 6 -fflags +bitexact -map_metadata -1 -hide_banner -loglevel error -y)
ffmpeg "${black[@]}" -f lavfi -i "anullsrc=r=48000:cl=mono" "${common[@]}" \
  -c:v libvpx -b:v 8k -g 12 -c:a libopus -b:a 6k -frame_duration 60 -application voip "$out/keep-awake.webm"
ffmpeg "${black[@]}" -f lavfi -i "anullsrc=r=16000:cl=mono" "${common[@]}" \
  -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -g 12 -crf 51 -tune stillimage \
  -bsf:v filter_units=remove_types=6 -c:a aac -b:a 8k -movflags +faststart "$out/keep-awake.mp4"
ls -l "$out"
