<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>SiteProfile</name>
    <message>
        <source>Provision from a site profile…</source>
        <translation>Configurar con un perfil de sitio…</translation>
    </message>
    <message>
        <source>Site: {name} · signed by {signer}</source>
        <translation>Sitio: {name} · firmado por {signer}</translation>
    </message>
    <message>
        <source>Site profile “{name}” (serial {serial}), signed by {signer}, key {key}.
Server: {server}</source>
        <translation>Perfil de sitio “{name}” (serie {serial}), firmado por {signer}, clave {key}.
Servidor: {server}</translation>
    </message>
    <message>
        <source>Site profile</source>
        <translation>Perfil de sitio</translation>
    </message>
    <message>
        <source>Site profiles (*.json);;All files (*)</source>
        <translation>Perfiles de sitio (*.json);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Site profile refused</source>
        <translation>Perfil de sitio rechazado</translation>
    </message>
    <message>
        <source>Provisioned for {name}; sign in to start syncing.</source>
        <translation>Configurado para {name}; inicie sesión para empezar a sincronizar.</translation>
    </message>
    <message>
        <source>Trust this deployment key?</source>
        <translation>¿Confiar en esta clave de despliegue?</translation>
    </message>
    <message>
        <source>The site profile is signed by key {key}, which this laptop does not trust yet. Trust it only if this is the key ID your IT department gave you.</source>
        <translation>El perfil de sitio está firmado con la clave {key}, en la que esta laptop aún no confía. Confíe en ella solo si es el ID de clave que le dio su departamento de TI.</translation>
    </message>
</context>
<context>
    <name>profile</name>
    <message>
        <source>The site profile is not a JSON file.</source>
        <translation>El perfil de sitio no es un archivo JSON.</translation>
    </message>
    <message>
        <source>This file is not an Enlace site profile.</source>
        <translation>Este archivo no es un perfil de sitio de Enlace.</translation>
    </message>
    <message>
        <source>The site profile has unknown fields: {fields}.</source>
        <translation>El perfil de sitio tiene campos desconocidos: {fields}.</translation>
    </message>
    <message>
        <source>The site profile needs a name.</source>
        <translation>El perfil de sitio necesita un nombre.</translation>
    </message>
    <message>
        <source>The serial number must be a whole number from 1.</source>
        <translation>El número de serie debe ser un entero a partir de 1.</translation>
    </message>
    <message>
        <source>The server URL must be https:// (plain http only for this computer).</source>
        <translation>La URL del servidor debe ser https:// (http simple solo para esta computadora).</translation>
    </message>
    <message>
        <source>The default agency {value!r} is not an agency id.</source>
        <translation>La dependencia predeterminada {value!r} no es un identificador de dependencia.</translation>
    </message>
    <message>
        <source>policies must be an object.</source>
        <translation>policies debe ser un objeto.</translation>
    </message>
    <message>
        <source>wipe_on_revoke must be true or false.</source>
        <translation>wipe_on_revoke debe ser true o false.</translation>
    </message>
    <message>
        <source>sync_while_locked must be true or false.</source>
        <translation>sync_while_locked debe ser true o false.</translation>
    </message>
    <message>
        <source>store_key must be keyring or passphrase.</source>
        <translation>store_key debe ser keyring o passphrase.</translation>
    </message>
    <message>
        <source>custody_alert_minutes must not be less than custody_warn_minutes.</source>
        <translation>custody_alert_minutes no puede ser menor que custody_warn_minutes.</translation>
    </message>
    <message>
        <source>{field} must be a whole number from 0 to {top}.</source>
        <translation>{field} debe ser un entero de 0 a {top}.</translation>
    </message>
    <message>
        <source>ca_cert must hold a PEM certificate.</source>
        <translation>ca_cert debe contener un certificado PEM.</translation>
    </message>
    <message>
        <source>ca_cert is not a valid certificate.</source>
        <translation>ca_cert no es un certificado válido.</translation>
    </message>
    <message>
        <source>device_name_pattern may use only {{hostname}} and {{user}}.</source>
        <translation>device_name_pattern solo puede usar {{hostname}} y {{user}}.</translation>
    </message>
    <message>
        <source>Cannot read {path}: {why}</source>
        <translation>No se puede leer {path}: {why}</translation>
    </message>
    <message>
        <source>The site profile is not signed: {sig} is missing or is not a minisign signature. Ask the site&apos;s IT for the signed profile.</source>
        <translation>El perfil de sitio no está firmado: falta {sig} o no es una firma minisign. Pida a TI del sitio el perfil firmado.</translation>
    </message>
    <message>
        <source>The site profile is signed by key {key}, which this laptop does not trust. Compare the key ID with the one your IT department gave you, then run provision again with --trust-key.</source>
        <translation>El perfil de sitio está firmado con la clave {key}, en la que esta laptop no confía. Compare el ID de clave con el que le dio su departamento de TI y ejecute provision de nuevo con --trust-key.</translation>
    </message>
    <message>
        <source>The site profile was altered after {signer} signed it: its signature does not match. Nothing was changed.</source>
        <translation>El perfil de sitio se modificó después de que {signer} lo firmara: su firma no coincide. No se cambió nada.</translation>
    </message>
    <message>
        <source>This laptop is signed in to {current}; sign out before provisioning it for {server}.</source>
        <translation>Esta laptop tiene sesión iniciada en {current}; cierre la sesión antes de configurarla para {server}.</translation>
    </message>
    <message>
        <source>This profile (serial {got}) is older than the active one (serial {have}).</source>
        <translation>Este perfil (serie {got}) es anterior al activo (serie {have}).</translation>
    </message>
    <message>
        <source>provisioned: site profile “{name}” (serial {serial}) signed by {signer} (key {key}); server {server}</source>
        <translation>configurado: perfil de sitio “{name}” (serie {serial}) firmado por {signer} (clave {key}); servidor {server}</translation>
    </message>
    <message>
        <source>The deployment key {key} is now trusted for this data folder.</source>
        <translation>La clave de despliegue {key} ahora es de confianza para esta carpeta de datos.</translation>
    </message>
    <message>
        <source>No site profile is active in this data folder.</source>
        <translation>No hay un perfil de sitio activo en esta carpeta de datos.</translation>
    </message>
    <message>
        <source>The key file {path} is not a minisign public key.</source>
        <translation>El archivo de clave {path} no es una clave pública minisign.</translation>
    </message>
</context>
<context>
    <name>release</name>
    <message>
        <source>verify-release: give --root (the trusted root metadata); only a built bundle has its own.</source>
        <translation>verify-release: indique --root (los metadatos raíz de confianza); solo un paquete compilado trae los suyos.</translation>
    </message>
    <message>
        <source>The trusted root cannot be used: {why}</source>
        <translation>No se puede usar la raíz de confianza: {why}</translation>
    </message>
    <message>
        <source>warning:</source>
        <translation>advertencia:</translation>
    </message>
    <message>
        <source>RELEASE REFUSED ({reason}, exit code {code})</source>
        <translation>VERSIÓN RECHAZADA ({reason}, código de salida {code})</translation>
    </message>
    <message>
        <source>release ok: {product} {version} ({channel}, commit {commit}), expires {expires}; signed by {signers} ({count} signatures, {needed} needed); {files} files match</source>
        <translation>versión correcta: {product} {version} ({channel}, commit {commit}), vence {expires}; firmada por {signers} ({count} firmas, se necesitan {needed}); {files} archivos coinciden</translation>
    </message>
    <message>
        <source>{folder} is not a signed release: it has no SHA256SUMS.</source>
        <translation>{folder} no es una versión firmada: no tiene SHA256SUMS.</translation>
    </message>
    <message>
        <source>The release&apos;s key list (trust/) is refused: {why}.</source>
        <translation>Se rechaza la lista de claves de la versión (trust/): {why}.</translation>
    </message>
    <message>
        <source>The signed file list is unreadable: {why}.</source>
        <translation>La lista firmada de archivos no se puede leer: {why}.</translation>
    </message>
    <message>
        <source>SHA256SUMS lists {path!r}, which points outside the release ({why}); nothing was read.</source>
        <translation>SHA256SUMS incluye {path!r}, que apunta fuera de la versión ({why}); no se leyó nada.</translation>
    </message>
    <message>
        <source>{path} is a link to {target}, outside the release: refused before reading it.</source>
        <translation>{path} es un enlace a {target}, fuera de la versión: se rechaza antes de leerlo.</translation>
    </message>
    <message>
        <source>{name} is not a minisign signature; ignored.</source>
        <translation>{name} no es una firma minisign; se ignora.</translation>
    </message>
    <message>
        <source>The signature of key {key} does not match; enough other keys signed.</source>
        <translation>La firma de la clave {key} no coincide; firmaron suficientes claves más.</translation>
    </message>
    <message>
        <source>SHA256SUMS does not match the signature of key {keys}: the list was changed after signing, or the signature is damaged.</source>
        <translation>SHA256SUMS no coincide con la firma de la clave {keys}: la lista se modificó después de firmarse o la firma está dañada.</translation>
    </message>
    <message>
        <source>SHA256SUMS is signed only by keys this laptop does not trust ({keys}); the trusted release keys are {trusted}.</source>
        <translation>SHA256SUMS solo está firmado con claves en las que esta laptop no confía ({keys}); las claves de versión de confianza son {trusted}.</translation>
    </message>
    <message>
        <source>SHA256SUMS carries {count} valid signature(s) of trusted release keys; {needed} are needed.</source>
        <translation>SHA256SUMS tiene {count} firma(s) válida(s) de claves de versión de confianza; se necesitan {needed}.</translation>
    </message>
    <message>
        <source>The release has no signed release.json.</source>
        <translation>La versión no tiene un release.json firmado.</translation>
    </message>
    <message>
        <source>{path} differs from the signed list.</source>
        <translation>{path} no coincide con la lista firmada.</translation>
    </message>
    <message>
        <source>release.json is unreadable: {why}.</source>
        <translation>release.json no se puede leer: {why}.</translation>
    </message>
    <message>
        <source>This release is of {got}, not of {want}.</source>
        <translation>Esta versión es de {got}, no de {want}.</translation>
    </message>
    <message>
        <source>This release is for the {got} channel; this laptop follows {want}.</source>
        <translation>Esta versión es del canal {got}; esta laptop sigue el canal {want}.</translation>
    </message>
    <message>
        <source>This release expired on {when}; ask for a current one.</source>
        <translation>Esta versión venció el {when}; pida una vigente.</translation>
    </message>
    <message>
        <source>This release ({got}) is older than the installed version {have}; going back is refused.</source>
        <translation>Esta versión ({got}) es anterior a la instalada {have}; no se permite regresar a una anterior.</translation>
    </message>
    <message>
        <source>{path} is listed but missing.</source>
        <translation>{path} está en la lista pero falta.</translation>
    </message>
    <message>
        <source>{path} is not in the signed list.</source>
        <translation>{path} no está en la lista firmada.</translation>
    </message>
</context>
</TS>
