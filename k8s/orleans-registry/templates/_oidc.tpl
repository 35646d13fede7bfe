{{/*
OIDC sign-in (oidc.*, the REGISTRY_OIDC_* variables). Off while every oidc value is empty. The processes stop at start
on a partial setup; the chart refuses it at render time instead, naming the value to set, so a bad upgrade never
reaches the pods. The schema checks each value's form; these helpers check how they go together.
*/}}

{{/* "true" when any oidc value is set. */}}
{{- define "registry.oidcEnabled" -}}
{{- $o := .Values.oidc }}
{{- if or $o.issuerUrl $o.clientId $o.clientSecret $o.redirectUrl $o.scopes $o.groupsClaim $o.groupRoles $o.sessionLifetime $o.terraformTokenLifetime }}true{{ end }}
{{- end }}

{{/*
The redirect URL: oidc.redirectUrl, else the callback under registry.publicUrl, else under the first ingress host (the
address NOTES.txt gives). It must be registered with the provider exactly as rendered.
*/}}
{{- define "registry.oidcRedirectUrl" -}}
{{- $v := .Values }}
{{- if $v.oidc.redirectUrl }}
{{- $v.oidc.redirectUrl }}
{{- else if $v.registry.publicUrl }}
{{- printf "%s/auth/callback" (trimSuffix "/" $v.registry.publicUrl) }}
{{- else if and $v.ingress.enabled $v.ingress.hosts }}
{{- printf "https://%s/auth/callback" (first $v.ingress.hosts) }}
{{- end }}
{{- end }}

{{/* The ConfigMap's REGISTRY_OIDC_* entries (the client secret is in the Secret); nothing when OIDC is off. */}}
{{- define "registry.oidcConfig" -}}
{{- if include "registry.oidcEnabled" . }}
{{- $o := .Values.oidc }}
{{- $partial := "some oidc values are set, and sign-in needs oidc.issuerUrl and oidc.clientId (all oidc values empty = off)" }}
{{- if and .Values.existingSecret $o.clientSecret }}
{{- fail (printf "oidc.clientSecret is not used with existingSecret: put it in the Secret %s under the key oidc-client-secret" .Values.existingSecret) }}
{{- end }}
{{- $issuer := required (printf "oidc.issuerUrl is required: %s" $partial) $o.issuerUrl }}
{{- $clientId := required (printf "oidc.clientId is required: %s" $partial) $o.clientId }}
{{- $redirect := include "registry.oidcRedirectUrl" . }}
{{- if not $redirect }}
{{- fail "oidc.redirectUrl is required when neither registry.publicUrl nor an ingress host gives the registry's address (https://<host>/auth/callback)" }}
{{- end }}
{{- if not (hasPrefix "https://" $redirect) }}
{{- fail (printf "oidc.redirectUrl must be an https URL (sign-in cookies are Secure), not %q: set oidc.redirectUrl, or an https registry.publicUrl" $redirect) }}
{{- end }}
REGISTRY_OIDC_ISSUER_URL: {{ $issuer | quote }}
REGISTRY_OIDC_CLIENT_ID: {{ $clientId | quote }}
REGISTRY_OIDC_REDIRECT_URL: {{ $redirect | quote }}
{{- with $o.scopes }}
REGISTRY_OIDC_SCOPES: {{ join " " . | quote }}
{{- end }}
{{- with $o.groupsClaim }}
REGISTRY_OIDC_GROUPS_CLAIM: {{ . | quote }}
{{- end }}
{{- with $o.groupRoles }}
{{- $entries := list }}
{{- range . }}
{{- $entries = append $entries (printf "%s=%s:%s" .group .organization .role) }}
{{- end }}
REGISTRY_OIDC_GROUP_ROLES: {{ join ";" $entries | quote }}
{{- end }}
{{- with $o.sessionLifetime }}
REGISTRY_OIDC_SESSION_LIFETIME: {{ . | quote }}
{{- end }}
{{- with $o.terraformTokenLifetime }}
REGISTRY_OIDC_TERRAFORM_TOKEN_LIFETIME: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/*
REGISTRY_OIDC_CLIENT_SECRET from the Secret, for both roles (a silo process builds the frontend's services too and
reads the same settings). An existingSecret must hold the key (empty for a public client); the chart's own Secret has
it only when oidc.clientSecret is set.
*/}}
{{- define "registry.oidcSecretEnv" -}}
{{- if and (include "registry.oidcEnabled" .) (or .Values.existingSecret .Values.oidc.clientSecret) }}
{{- include "registry.secretEnv" (dict "root" . "name" "REGISTRY_OIDC_CLIENT_SECRET" "key" "oidc-client-secret") }}
{{- end }}
{{- end }}
