# shellcheck shell=bash
# Sourced by the Google Cloud scripts (build-templates, run-inference, run-evaluation,
# run-prepare, run-train, schedule-evaluation): their options, the check every value passes
# before it reaches a command, --help, --dry-run, and the pieces of gcloud commands they share.
#
# A script declares its options (yt8m_option), parses its arguments (yt8m_parse "$@"), reads
# values (yt8m_get NAME) and runs each command as an array (yt8m_run CMD ARG...). Under --dry-run
# yt8m_run prints the command, one per line, shell-quoted, instead of running it. Values never go
# through eval or a shell: every value is checked against its kind's pattern first (no quotes,
# spaces, ';', '$', '~' or control characters where the kind has no use for them), then passed as
# one argument of a command array.

if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
  echo "$(basename "$0"): needs bash 4.4 or later (this is $BASH_VERSION; macOS: brew install bash)" >&2
  exit 2
fi

# shellcheck disable=SC2034 # the checkout's root, for the scripts that source this file
yt8m_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
yt8m_name="$(basename "$0")"

declare -a yt8m_names=()       # declared options, in --help order
declare -A yt8m_kinds=()       # option -> kind (see yt8m_pattern)
declare -A yt8m_groups=()      # option -> cloud | script | param
declare -A yt8m_helps=()       # option -> one line of help
declare -A yt8m_defaults=()    # option -> default shown in --help and returned by yt8m_get
declare -A yt8m_required=()    # option -> true when the script cannot run without it
declare -A yt8m_values=()      # option -> the value given
declare -a yt8m_passthrough=() # --name=value pairs of undeclared options (yt8m_allow_passthrough)
yt8m_dry_run=false
yt8m_passthrough_allowed=false
yt8m_job_prefix=yt8m
yt8m_usage_line=""
yt8m_summary=""

# The pattern a value of KIND must match (bash ERE, anchored). Patterns exclude '~' everywhere:
# it is the alternate delimiter of the gcloud list flags built by yt8m_gcloud_list.
yt8m_pattern() {
  case "$1" in
    project) echo '^[a-z][a-z0-9-]{4,28}[a-z0-9]$' ;;
    region) echo '^[a-z]+-[a-z]+[0-9]+$' ;;
    bucket) echo '^gs://[a-z0-9][a-z0-9._-]*[a-z0-9]/?$' ;;
    gs_path) echo '^gs://[a-z0-9][a-z0-9._-]*[a-z0-9](/[]A-Za-z0-9._*?=+@%:/[-]*)?$' ;;
    positive) echo '^[1-9][0-9]{0,8}$' ;;
    count) echo '^(0|[1-9][0-9]{0,8})$' ;;
    boolean) echo '^(true|false)$' ;;
    names) echo '^[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*$' ;;
    sizes) echo '^[1-9][0-9]{0,5}(,[1-9][0-9]{0,5})*$' ;;
    compression) echo '^(AUTO|GZIP|UNCOMPRESSED)$' ;;
    model) echo '^(LogisticModel|MoeModel|FrameLevelLogisticModel|DbofModel|LstmModel)$' ;;
    job_name) echo '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$' ;;
    email) echo '^[a-z0-9][a-z0-9-]*@[a-z0-9][a-z0-9.-]*\.gserviceaccount\.com$' ;;
    machine_type) echo '^[a-z][a-z0-9]*-[a-z0-9-]*[a-z0-9]$' ;;
    gpu_type) echo '^nvidia-[a-z0-9]+(-[a-z0-9]+)*$' ;;
    gpu_count) echo '^[1-8]$' ;;
    cron) echo '^[0-9*/,A-Za-z-]+( [0-9*/,A-Za-z-]+){4}$' ;;
    time_zone) echo '^[A-Za-z]+(/[A-Za-z0-9_+-]+)*$' ;;
    image_tag) echo '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$' ;;
    repository) echo '^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$' ;;
    gate) echo '^(workflow|none)$' ;;
    flag) echo '^(true|false)$' ;;
    passthrough) echo '^[A-Za-z0-9_.,:/*?=+@%-]*$' ;;
    *) echo "yt8m_pattern: unknown kind '$1'" >&2; return 1 ;;
  esac
}

# What a value of KIND looks like, for --help and error messages.
yt8m_expect() {
  case "$1" in
    project) echo 'a project ID (6-30 lowercase letters, digits and hyphens)' ;;
    region) echo 'a region such as us-central1' ;;
    bucket) echo 'a bucket URL gs://BUCKET' ;;
    gs_path) echo "a gs:// path or glob (gs://BUCKET/PATH; letters, digits and ._*?=+@%:/[]- only: no spaces, quotes, ';', ',' or '~')" ;;
    positive) echo 'a positive integer' ;;
    count) echo 'a non-negative integer' ;;
    boolean | flag) echo 'true or false' ;;
    names) echo 'comma-separated feature names (letters, digits, _)' ;;
    sizes) echo 'comma-separated positive integers' ;;
    compression) echo 'AUTO, GZIP or UNCOMPRESSED' ;;
    model) echo 'one of LogisticModel, MoeModel, FrameLevelLogisticModel, DbofModel, LstmModel' ;;
    job_name) echo 'a name of lowercase letters, digits and hyphens, starting with a letter (at most 63)' ;;
    email) echo 'a service account e-mail (NAME@PROJECT.iam.gserviceaccount.com)' ;;
    machine_type) echo 'a machine type such as n1-standard-4' ;;
    gpu_type) echo 'a GPU type such as nvidia-tesla-t4 or nvidia-l4' ;;
    gpu_count) echo 'a GPU count from 1 to 8' ;;
    cron) echo "a cron schedule of five fields, e.g. '0 * * * *'" ;;
    time_zone) echo 'a tz database name such as Etc/UTC or Europe/Paris' ;;
    image_tag) echo 'a Docker tag (letters, digits, _ . -)' ;;
    repository) echo 'an Artifact Registry repository name (lowercase letters, digits, hyphens)' ;;
    gate) echo 'workflow or none' ;;
    passthrough) echo "a value of letters, digits and _.,:/*?=+@%- only (no spaces, quotes, ';' or '~')" ;;
  esac
}

# The placeholder after --name= in --help.
yt8m_metavar() {
  case "$1" in
    project) echo 'ID' ;;
    region) echo 'REGION' ;;
    bucket) echo 'gs://BUCKET' ;;
    gs_path) echo 'gs://...' ;;
    positive | count | gpu_count) echo 'N' ;;
    boolean) echo 'true|false' ;;
    names) echo 'A,B' ;;
    sizes) echo 'N,M' ;;
    compression) echo 'AUTO|GZIP|UNCOMPRESSED' ;;
    model) echo 'MODEL' ;;
    job_name) echo 'NAME' ;;
    email) echo 'EMAIL' ;;
    machine_type) echo 'TYPE' ;;
    gpu_type) echo 'TYPE' ;;
    cron) echo "'CRON'" ;;
    time_zone) echo 'TZ' ;;
    image_tag) echo 'TAG' ;;
    repository) echo 'NAME' ;;
    gate) echo 'workflow|none' ;;
    *) echo 'VALUE' ;;
  esac
}

yt8m_die() {
  printf '%s: error: %s\nSee '\''%s --help'\''.\n' "$yt8m_name" "$1" "$yt8m_name" >&2
  exit 2
}

# yt8m_option GROUP NAME KIND REQUIRED DEFAULT HELP
#   GROUP: script (the script's own options) or param (a pipeline parameter of the template).
#   REQUIRED: required or optional. DEFAULT: shown in --help and returned by yt8m_get ('' none).
yt8m_option() {
  local group=$1 name=$2 kind=$3 required=$4 default=$5 help=$6
  yt8m_pattern "$kind" >/dev/null || exit 1
  yt8m_names+=("$name")
  yt8m_groups[$name]=$group
  yt8m_kinds[$name]=$kind
  yt8m_required[$name]=$([[ $required == required ]] && echo true || echo false)
  yt8m_defaults[$name]=$default
  yt8m_helps[$name]=$help
}

# Declares --project, --region and --bucket (environment: PROJECT, REGION, BUCKET), which every
# script takes.
yt8m_cloud_options() {
  yt8m_option cloud project project required '' 'Google Cloud project (or the environment variable PROJECT).'
  yt8m_option cloud region region required '' 'Region of the jobs and images (or REGION).'
  yt8m_option cloud bucket bucket required '' 'Bucket for templates, staging and temp files (or BUCKET).'
}

# For a script that takes --bucket like the others but has no use for it.
yt8m_bucket_unused() {
  yt8m_required[bucket]=false
  yt8m_helps[bucket]='Accepted like the other scripts (or BUCKET), not used: the job writes only trainDir.'
}

# Lets the script take options it does not declare (--name=value, camelCase), forwarded as they
# are by yt8m_param_args after the value check of kind passthrough.
yt8m_allow_passthrough() {
  yt8m_passthrough_allowed=true
}

yt8m_check() {
  local name=$1 value=$2 kind pattern
  kind=${yt8m_kinds[$name]}
  pattern=$(yt8m_pattern "$kind")
  if ! [[ $value =~ $pattern ]]; then
    yt8m_die "--$name=$(printf '%q' "$value") is not $(yt8m_expect "$kind")"
  fi
}

yt8m_parse() {
  local arg name value
  while (($# > 0)); do
    arg=$1
    shift
    case "$arg" in
      --help | -h) yt8m_usage; exit 0 ;;
      --dry-run) yt8m_dry_run=true; continue ;;
      --*=*) name=${arg%%=*}; name=${name#--}; value=${arg#*=} ;;
      --*) name=${arg#--}; value='' ;;
      *) yt8m_die "unexpected argument $(printf '%q' "$arg"): options are --name=value" ;;
    esac
    # The name is checked before any use as an array subscript.
    if ! [[ $name =~ ^[a-z][A-Za-z0-9]*$ ]]; then
      yt8m_die "unknown option $(printf '%q' "--$name")"
    fi
    if [[ -z ${yt8m_kinds[$name]+set} ]]; then
      if [[ $yt8m_passthrough_allowed == true ]]; then
        [[ $arg == *=* ]] || yt8m_die "give other options as --$name=value"
        [[ $value =~ $(yt8m_pattern passthrough) ]] ||
          yt8m_die "--$name=$(printf '%q' "$value") is not $(yt8m_expect passthrough)"
        yt8m_passthrough+=("--$name=$value")
        continue
      fi
      yt8m_die "unknown option --$name"
    fi
    if [[ $arg != *=* ]]; then
      if [[ ${yt8m_kinds[$name]} == flag ]]; then
        value=true
      elif (($# > 0)); then
        value=$1
        shift
      else
        yt8m_die "--$name needs a value: $(yt8m_expect "${yt8m_kinds[$name]}")"
      fi
    fi
    [[ -z ${yt8m_values[$name]+set} ]] || yt8m_die "--$name is given twice"
    yt8m_check "$name" "$value"
    yt8m_values[$name]=$value
  done
  yt8m_from_environment project PROJECT
  yt8m_from_environment region REGION
  yt8m_from_environment bucket BUCKET
  if [[ -n ${yt8m_values[bucket]+set} ]]; then
    yt8m_values[bucket]=${yt8m_values[bucket]%/}
  fi
  local missing=()
  for name in "${yt8m_names[@]}"; do
    if [[ ${yt8m_required[$name]} == true && -z ${yt8m_values[$name]+set} ]]; then
      missing+=("--$name")
    fi
  done
  if ((${#missing[@]} > 0)); then
    yt8m_die "missing ${missing[*]} (PROJECT, REGION and BUCKET may come from the environment)"
  fi
}

# Takes option NAME from environment variable VARIABLE when it was not given.
yt8m_from_environment() {
  local name=$1 variable=$2
  [[ -n ${yt8m_kinds[$name]+set} && -z ${yt8m_values[$name]+set} ]] || return 0
  [[ -n ${!variable:-} ]] || return 0
  local value=${!variable}
  local pattern
  pattern=$(yt8m_pattern "${yt8m_kinds[$name]}")
  if ! [[ $value =~ $pattern ]]; then
    yt8m_die "$variable=$(printf '%q' "$value") is not $(yt8m_expect "${yt8m_kinds[$name]}")"
  fi
  yt8m_values[$name]=$value
}

# The value of option NAME: the one given, else its default (may be empty).
yt8m_get() {
  if [[ -n ${yt8m_values[$1]+set} ]]; then
    printf '%s' "${yt8m_values[$1]}"
  else
    printf '%s' "${yt8m_defaults[$1]-}"
  fi
}

yt8m_given() {
  [[ -n ${yt8m_values[$1]+set} ]]
}

yt8m_usage() {
  printf 'usage: %s\n\n%s\n' "$yt8m_usage_line" "$yt8m_summary"
  yt8m_usage_group cloud 'Google Cloud:'
  printf '  %-32s %s\n' '--dry-run' 'Print the exact commands, one per line, instead of running them.'
  printf '  %-32s %s\n' '--help' 'Print this help.'
  yt8m_usage_group script 'Options:'
  yt8m_usage_group param 'Pipeline parameters (passed to the job; unset ones take the pipeline defaults):'
  if [[ $yt8m_passthrough_allowed == true ]]; then
    printf '\n  %-32s %s\n' '--otherOption=VALUE' "Any other camelCase option is passed to the command as it is."
  fi
}

yt8m_usage_group() {
  local group=$1 title=$2 name left right any=false
  for name in "${yt8m_names[@]}"; do
    [[ ${yt8m_groups[$name]} == "$group" ]] || continue
    if [[ $any == false ]]; then
      printf '\n%s\n' "$title"
      any=true
    fi
    if [[ ${yt8m_kinds[$name]} == flag ]]; then
      left="--$name"
    else
      left="--$name=$(yt8m_metavar "${yt8m_kinds[$name]}")"
    fi
    right=${yt8m_helps[$name]}
    if [[ ${yt8m_required[$name]} == true ]]; then
      right="(required) $right"
    elif [[ -n ${yt8m_defaults[$name]} ]]; then
      right="$right Default: ${yt8m_defaults[$name]}."
    fi
    if ((${#left} > 32)); then
      printf '  %s\n  %-32s %s\n' "$left" '' "$right"
    else
      printf '  %-32s %s\n' "$left" "$right"
    fi
  done
}

# One word as the shell would need it: as it is when it holds only safe characters, otherwise
# in single quotes. Stable across bash versions, unlike printf %q.
yt8m_quote() {
  if [[ $1 =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
    printf '%s' "$1"
  else
    printf "'%s'" "${1//\'/\'\\\'\'}"
  fi
}

yt8m_command_line() {
  local word line=''
  for word in "$@"; do
    line+="${line:+ }$(yt8m_quote "$word")"
  done
  printf '%s\n' "$line"
}

# Runs a command, or prints it under --dry-run.
yt8m_run() {
  if [[ $yt8m_dry_run == true ]]; then
    yt8m_command_line "$@"
  else
    printf '+ %s' "$(yt8m_command_line "$@")" >&2
    printf '\n' >&2
    "$@"
  fi
}

# A gcloud list or dictionary flag: --flag=a,b,c, or, when an item holds ',', ';' or ':', gcloud's
# alternate-delimiter form --flag=^~^a~b~c (see 'gcloud topic escaping'). Items never hold '~'.
yt8m_gcloud_list() {
  local flag=$1 item joined='' escape=false
  shift
  for item in "$@"; do
    [[ $item != *'~'* ]] || { echo "yt8m_gcloud_list: '~' in $item" >&2; exit 1; }
    [[ $item != *[,\;:]* ]] || escape=true
  done
  if [[ $escape == true ]]; then
    for item in "$@"; do joined+="~$item"; done
    printf '%s=^~^%s' "$flag" "${joined#\~}"
  else
    for item in "$@"; do joined+=",$item"; done
    printf '%s=%s' "$flag" "${joined#,}"
  fi
}

# Sets pipeline parameter NAME to VALUE whatever the arguments said (not an option).
yt8m_fixed_param() {
  yt8m_names+=("$1")
  yt8m_groups[$1]=param
  yt8m_kinds[$1]=fixed
  yt8m_values[$1]=$2
}

# The given pipeline parameters as name=value items, in declaration order.
yt8m_param_items() {
  local name
  for name in "${yt8m_names[@]}"; do
    if [[ ${yt8m_groups[$name]} == param && -n ${yt8m_values[$name]+set} ]]; then
      printf '%s=%s\n' "$name" "${yt8m_values[$name]}"
    fi
  done
}

# The given pipeline parameters as --name=value arguments, then the passthrough ones.
yt8m_param_args() {
  local name
  for name in "${yt8m_names[@]}"; do
    if [[ ${yt8m_groups[$name]} == param && -n ${yt8m_values[$name]+set} ]]; then
      printf -- '--%s=%s\n' "$name" "${yt8m_values[$name]}"
    fi
  done
  if ((${#yt8m_passthrough[@]} > 0)); then
    printf '%s\n' "${yt8m_passthrough[@]}"
  fi
}

yt8m_json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# The given pipeline parameters as a JSON object of strings (flexTemplates:launch's parameters).
yt8m_param_json() {
  local name json=''
  for name in "${yt8m_names[@]}"; do
    if [[ ${yt8m_groups[$name]} == param && -n ${yt8m_values[$name]+set} ]]; then
      json+="${json:+,}$(yt8m_json_string "$name"):$(yt8m_json_string "${yt8m_values[$name]}")"
    fi
  done
  printf '{%s}' "$json"
}

yt8m_utc_stamp() {
  date -u +%Y%m%d-%H%M%S
}

# ---- Shared by the scripts that build or run the templates ------------------------------------

# Artifact Registry path of image NAME: REGION-docker.pkg.dev/PROJECT/REPOSITORY/NAME:TAG.
yt8m_image() {
  printf '%s-docker.pkg.dev/%s/%s/%s:%s' "$(yt8m_get region)" "$(yt8m_get project)" \
    "$(yt8m_get repository)" "$1" "$(yt8m_get tag)"
}

# The template spec file of TEMPLATE (inference, evaluation, prepare).
yt8m_template_spec() {
  printf '%s/templates/%s.json' "$(yt8m_get bucket)" "$1"
}

yt8m_image_options() {
  yt8m_option script repository repository optional yt8m 'Artifact Registry repository of the images.'
  yt8m_option script tag image_tag optional latest 'Tag of the images.'
}

# Options of every 'gcloud dataflow flex-template run' script: PREFIX of the default job name,
# then the default worker machine type and maximum number of workers ('' for Dataflow's).
yt8m_dataflow_options() {
  yt8m_job_prefix=$1
  yt8m_option script jobName job_name optional "$1-YYYYMMDD-HHMMSS" 'Dataflow job name (UTC time).'
  yt8m_option script serviceAccount email optional '' "Service account of the launcher and worker VMs (default: Compute Engine's)."
  yt8m_option script workerMachineType machine_type optional "${2:-}" 'Worker machine type.'
  yt8m_option script maxWorkers positive optional "${3:-}" 'Most workers autoscaling may start.'
}

# gcloud dataflow flex-template run for TEMPLATE with the given pipeline parameters; further
# arguments are extra gcloud flags.
yt8m_flex_template_run() {
  local template=$1 job items=()
  shift
  job=$(yt8m_get jobName)
  yt8m_given jobName || job="$yt8m_job_prefix-$(yt8m_utc_stamp)"
  local command=(gcloud dataflow flex-template run "$job"
    "--project=$(yt8m_get project)"
    "--region=$(yt8m_get region)"
    "--template-file-gcs-location=$(yt8m_template_spec "$template")"
    "--staging-location=$(yt8m_get bucket)/staging"
    "--temp-location=$(yt8m_get bucket)/temp")
  if [[ -n $(yt8m_get serviceAccount) ]]; then
    command+=("--service-account-email=$(yt8m_get serviceAccount)")
  fi
  if [[ -n $(yt8m_get workerMachineType) ]]; then
    command+=("--worker-machine-type=$(yt8m_get workerMachineType)")
  fi
  if [[ -n $(yt8m_get maxWorkers) ]]; then
    command+=("--max-workers=$(yt8m_get maxWorkers)")
  fi
  command+=("$@")
  mapfile -t items < <(yt8m_param_items)
  if ((${#items[@]} > 0)); then
    command+=("$(yt8m_gcloud_list --parameters "${items[@]}")")
  fi
  yt8m_run "${command[@]}"
}

# Fails unless one of the options is given.
yt8m_require_one_of() {
  local name
  for name in "$@"; do
    yt8m_given "$name" && return 0
  done
  yt8m_die "one of $(printf -- '--%s ' "$@")is required"
}

# Fails when GPU type and machine type do not go together (Compute Engine's GPU platforms:
# L4 on G2, A100 on A2, H100 on A3, the others on N1).
yt8m_check_gpu_machine() {
  local gpu=$1 machine=$2 family
  case "$gpu" in
    nvidia-l4 | nvidia-l4-vws) family=g2 ;;
    nvidia-tesla-a100 | nvidia-a100-80gb) family=a2 ;;
    nvidia-h100-80gb | nvidia-h100-mega-80gb) family=a3 ;;
    *) family=n1 ;;
  esac
  if [[ $machine != "$family"-* ]]; then
    yt8m_die "--gpuType=$gpu runs on $family machine types, not $machine: set --workerMachineType=$family-..."
  fi
}
