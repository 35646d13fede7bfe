{{/* Names and labels. */}}
{{- define "registry.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "registry.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "registry.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "registry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component: (dict "root" $ "component" "silo"). */}}
{{- define "registry.selectorLabels" -}}
app.kubernetes.io/name: {{ include "registry.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "registry.componentLabels" -}}
{{ include "registry.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "registry.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "registry.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the database connection string, keys and storage credentials. */}}
{{- define "registry.secretName" -}}
{{- default (printf "%s-settings" (include "registry.fullname" .)) .Values.existingSecret }}
{{- end }}

{{- define "registry.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) }}
{{- end }}

{{/* Where the key files of the Secret are mounted (REGISTRY_*_KEY_FILE point into it). */}}
{{- define "registry.secretsPath" -}}/var/run/secrets/orleans-registry{{- end }}
{{- define "registry.tlsPath" -}}/var/run/orleans-registry/tls{{- end }}

{{/* An env entry from a key of the settings Secret: (dict "root" $ "name" "REGISTRY_DB" "key" "database"). */}}
{{- define "registry.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "registry.secretName" .root }}
      key: {{ .key }}
{{- end }}

{{/*
Settings from the Secret, by role: both roles read the database, the URL signing key (frontends sign download URLs;
the silo host wires the same services and refuses to start without it) and the store's credentials; only silos hold the encryption key (secrets at rest are
decrypted in grains) and create the bootstrap admin key.
*/}}
{{- define "registry.secretSettings" -}}
{{- $root := .root }}
{{- include "registry.secretEnv" (dict "root" $root "name" "REGISTRY_DB" "key" "database") }}
- name: REGISTRY_URL_SIGNING_KEY_FILE
  value: {{ include "registry.secretsPath" $root }}/url-signing-key
{{- if eq .role "silo" }}
- name: REGISTRY_ENCRYPTION_KEY_FILE
  value: {{ include "registry.secretsPath" $root }}/encryption-key
{{ include "registry.secretEnv" (dict "root" $root "name" "REGISTRY_BOOTSTRAP_ADMIN_KEY" "key" "bootstrap-admin-key") }}
{{- end }}
{{- $storage := $root.Values.storage }}
{{- if and (eq $storage.kind "s3") (eq $storage.s3.authMethod "static") }}
{{ include "registry.secretEnv" (dict "root" $root "name" "REGISTRY_STORAGE_S3_ACCESS_KEY_ID" "key" "s3-access-key-id") }}
{{ include "registry.secretEnv" (dict "root" $root "name" "REGISTRY_STORAGE_S3_SECRET_ACCESS_KEY" "key" "s3-secret-access-key") }}
{{- else if and (eq $storage.kind "azure") (eq $storage.azure.auth "accountKey") }}
{{ include "registry.secretEnv" (dict "root" $root "name" "REGISTRY_STORAGE_AZURE_ACCOUNT_KEY" "key" "azure-account-key") }}
{{- else if and (eq $storage.kind "azure") (eq $storage.azure.auth "connectionString") }}
{{ include "registry.secretEnv" (dict "root" $root "name" "REGISTRY_STORAGE_AZURE_CONNECTION_STRING" "key" "azure-connection-string") }}
{{- else if and (eq $storage.kind "gcs") (eq $storage.gcs.auth "key") }}
- name: REGISTRY_STORAGE_GCS_CREDENTIALS_FILE
  value: {{ include "registry.secretsPath" $root }}/gcs-credentials.json
{{- end }}
{{- with include "registry.oidcSecretEnv" $root }}
{{ . }}
{{- end }}
{{- end }}

{{/* The key files a role mounts from the Secret. */}}
{{- define "registry.secretVolume" -}}
- name: settings
  secret:
    secretName: {{ include "registry.secretName" .root }}
    defaultMode: 0440
    items:
      - key: url-signing-key
        path: url-signing-key
      {{- if eq .role "silo" }}
      - key: encryption-key
        path: encryption-key
      {{- end }}
      {{- if and (eq .root.Values.storage.kind "gcs") (eq .root.Values.storage.gcs.auth "key") }}
      - key: gcs-credentials.json
        path: gcs-credentials.json
      {{- end }}
{{- end }}

{{/* Volumes every registry container has: writable /tmp and /data on a read-only root, the key files, local storage. */}}
{{- define "registry.volumes" -}}
- name: tmp
  emptyDir: {}
- name: data
  emptyDir: {}
{{ include "registry.secretVolume" . }}
{{- if eq .root.Values.storage.kind "local" }}
- name: artifacts
  persistentVolumeClaim:
    claimName: {{ .root.Values.storage.local.existingClaim }}
{{- end }}
{{- end }}

{{- define "registry.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /data
- name: settings
  mountPath: {{ include "registry.secretsPath" .root }}
  readOnly: true
{{- if eq .root.Values.storage.kind "local" }}
- name: artifacts
  mountPath: /artifacts
{{- end }}
{{- end }}

{{- define "registry.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsUser }}
fsGroup: {{ .Values.securityContext.runAsUser }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "registry.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end }}

{{/* Probes on the metrics port, which answers /health/* for any Host header. */}}
{{- define "registry.probes" -}}
startupProbe:
  httpGet: {path: /health/live, port: metrics}
  periodSeconds: 2
  failureThreshold: {{ .Values.probes.startupFailureThreshold }}
livenessProbe:
  httpGet: {path: /health/live, port: metrics}
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /health/ready, port: metrics}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
{{- end }}

{{/* Pod annotations: roll the pods when the settings change. */}}
{{- define "registry.podAnnotations" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
checksum/secret-values: {{ toJson (list .Values.database .Values.secrets .Values.existingSecret .Values.storage .Values.oidc.clientSecret) | sha256sum }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* A TimeSpan for .NET configuration from seconds: 65 -> 00:01:05. */}}
{{- define "registry.timespan" -}}
{{- $s := int . }}
{{- printf "%02d:%02d:%02d" (div $s 3600) (div (mod $s 3600) 60) (mod $s 60) }}
{{- end }}
