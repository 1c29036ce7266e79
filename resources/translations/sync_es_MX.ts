<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>ConflictsPanel</name>
    <message>
        <source>Show resolved</source>
        <translation>Mostrar resueltos</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>Keep mine</source>
        <translation>Conservar el mío</translation>
    </message>
    <message>
        <source>Accept theirs</source>
        <translation>Aceptar el suyo</translation>
    </message>
    <message>
        <source>Open conflicts: {n}</source>
        <translation>Conflictos abiertos: {n}</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in to the sync server</source>
        <translation>Iniciar sesión en el servidor de sincronización</translation>
    </message>
    <message>
        <source>Only for a private certificate authority</source>
        <translation>Solo para una autoridad certificadora privada</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>Server URL</source>
        <translation>URL del servidor</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Contraseña</translation>
    </message>
    <message>
        <source>Device name</source>
        <translation>Nombre del equipo</translation>
    </message>
    <message>
        <source>CA certificate (optional)</source>
        <translation>Certificado de la CA (opcional)</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>Certificado de la CA</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt);;All files (*)</source>
        <translation>Certificados PEM (*.pem *.crt);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Warning: plain http:// is not encrypted. It is allowed only for a server on this computer.</source>
        <translation>Advertencia: http:// simple no está cifrado. Solo se permite para un servidor en esta computadora.</translation>
    </message>
    <message>
        <source>Plain http:// is allowed only for this computer; use https://.</source>
        <translation>http:// simple solo se permite para esta computadora; use https://.</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Iniciando sesión…</translation>
    </message>
    <message>
        <source>This computer has no secure place to keep the sign-in, so nothing was saved. On Linux, install GNOME Keyring (package gnome-keyring) or KWallet, sign in to the desktop so it is unlocked, and try again. Windows and macOS have one built in.</source>
        <translation>Este equipo no tiene un lugar seguro donde guardar el inicio de sesión, así que no se guardó nada. En Linux, instale GNOME Keyring (paquete gnome-keyring) o KWallet, inicie sesión en el escritorio para que quede desbloqueado e inténtelo de nuevo. Windows y macOS ya traen uno.</translation>
    </message>
    <message>
        <source>Sign-in failed: {why}</source>
        <translation>No se pudo iniciar sesión: {why}</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>On the server&apos;s order, this laptop&apos;s data was erased: its key was destroyed and the database removed ({pushed} waiting changes were sent first, {unsent} could not be). Enlace will now close.</source>
        <translation>Por orden del servidor se borraron los datos de esta laptop: se destruyó su llave y se eliminó la base de datos (antes se enviaron {pushed} cambios en espera; {unsent} no se pudieron enviar). Enlace se cerrará ahora.</translation>
    </message>
    <message>
        <source>The server says this device was revoked. You have been signed out.</source>
        <translation>El servidor indica que este equipo fue revocado. Se cerró su sesión.</translation>
    </message>
    <message>
        <source>By site policy, the data on this computer is being erased now.</source>
        <translation>Por política del sitio, los datos de esta computadora se están borrando ahora.</translation>
    </message>
    <message>
        <source>Device revoked</source>
        <translation>Equipo revocado</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <source>Dismiss</source>
        <translation>Descartar</translation>
    </message>
    <message>
        <source>Stop showing the selected rejected change</source>
        <translation>Dejar de mostrar el cambio rechazado seleccionado</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>Enviar de nuevo</translation>
    </message>
    <message>
        <source>Queue the selected rejected change again</source>
        <translation>Volver a poner en cola el cambio rechazado seleccionado</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Sincronizar ahora</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>en espera</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>enviado</translation>
    </message>
    <message>
        <source>applied</source>
        <translation>aplicado</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>rechazado</translation>
    </message>
    <message>
        <source>dismissed</source>
        <translation>descartado</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Cambio</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Server&apos;s reason</source>
        <translation>Motivo del servidor</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Cerrar sesión</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Iniciar sesión…</translation>
    </message>
    <message>
        <source>Not yet confirmed: {pending} · Rejected: {rejected}</source>
        <translation>Sin confirmar: {pending} · Rechazados: {rejected}</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>The CA certificate file cannot be read: {why}</source>
        <translation>No se puede leer el archivo del certificado de la CA: {why}</translation>
    </message>
    <message>
        <source>The CA file holds no PEM certificate.</source>
        <translation>El archivo de la CA no contiene ningún certificado PEM.</translation>
    </message>
    <message>
        <source>Server, username, password and device name are required.</source>
        <translation>Se requieren servidor, usuario, contraseña y nombre del equipo.</translation>
    </message>
    <message>
        <source>This data folder holds the demo deployment, and signing in would send its made-up units and incidents to the server. Use a new data folder for real work, or move this one aside.</source>
        <translation>Esta carpeta de datos contiene el despliegue de demostración; al iniciar sesión se enviarían al servidor sus unidades e incidentes ficticios. Use una carpeta de datos nueva para el trabajo real, o aparte esta.</translation>
    </message>
    <message>
        <source>The server&apos;s answer to the sign-in was not understood.</source>
        <translation>No se entendió la respuesta del servidor al inicio de sesión.</translation>
    </message>
    <message>
        <source>{count} change(s) made here by {user} have not reached the server yet. Sign in as {user} and sync to send them first: another account cannot send them in their name.</source>
        <translation>{count} cambio(s) hechos aquí por {user} aún no llegan al servidor. Inicie sesión como {user} y sincronice para enviarlos primero: otra cuenta no puede enviarlos en su nombre.</translation>
    </message>
    <message>
        <source>The sync server cannot be reached ({why}).</source>
        <translation>No se puede contactar al servidor de sincronización ({why}).</translation>
    </message>
    <message>
        <source>The server&apos;s certificate could not be verified ({why}). Check the CA certificate given at sign-in.</source>
        <translation>No se pudo verificar el certificado del servidor ({why}). Revise el certificado de la CA indicado al iniciar sesión.</translation>
    </message>
    <message>
        <source>Not signed in to a sync server.</source>
        <translation>No hay sesión iniciada en un servidor de sincronización.</translation>
    </message>
    <message>
        <source>The server refused the sign-in: {detail}</source>
        <translation>El servidor rechazó el inicio de sesión: {detail}</translation>
    </message>
    <message>
        <source>This device was revoked by the server administrator: {detail}</source>
        <translation>El administrador del servidor revocó este equipo: {detail}</translation>
    </message>
    <message>
        <source>The sync server answered {status}: {detail}</source>
        <translation>El servidor de sincronización respondió {status}: {detail}</translation>
    </message>
    <message>
        <source>No secure credential store is available (found {backend}). Install and unlock GNOME Keyring (package gnome-keyring) or KWallet on Linux; macOS Keychain and Windows Credential Locker work as they are.</source>
        <translation>No hay un almacén seguro de credenciales disponible (se encontró {backend}). Instale y desbloquee GNOME Keyring (paquete gnome-keyring) o KWallet en Linux; el Llavero de macOS y el Administrador de credenciales de Windows funcionan tal como están.</translation>
    </message>
    <message>
        <source>The credential store could not be used ({why}). Unlock the keyring.</source>
        <translation>No se pudo usar el almacén de credenciales ({why}). Desbloquee el llavero.</translation>
    </message>
    <message>
        <source>Plain http:// is allowed only for this computer (loopback); use https:// for {url}.</source>
        <translation>http:// simple solo se permite para esta computadora (loopback); use https:// para {url}.</translation>
    </message>
    <message>
        <source>warning: this computer&apos;s clock is {amount} ahead of the sync server&apos;s. Correct the date, time and time zone: changes stamped by a wrong clock are refused, and are sent again by themselves once the clock is right.</source>
        <translation>aviso: el reloj de esta computadora va {amount} adelantado respecto al del servidor de sincronización. Corrija la fecha, la hora y la zona horaria: los cambios marcados por un reloj equivocado se rechazan, y se vuelven a enviar solos cuando el reloj es correcto.</translation>
    </message>
    <message>
        <source>warning: this computer&apos;s clock is {amount} behind the sync server&apos;s. Correct the date, time and time zone.</source>
        <translation>aviso: el reloj de esta computadora va {amount} atrasado respecto al del servidor de sincronización. Corrija la fecha, la hora y la zona horaria.</translation>
    </message>
    <message>
        <source>On the server&apos;s order this laptop&apos;s data was erased: its key was destroyed and the database removed ({pushed} waiting change(s) were sent first, {unsent} could not be).</source>
        <translation>Por orden del servidor se borraron los datos de esta laptop: se destruyó su llave y se eliminó la base de datos (antes se enviaron {pushed} cambio(s) en espera; {unsent} no se pudieron enviar).</translation>
    </message>
    <message>
        <source>{n} change(s) were rejected by the server and are not on it; see `fieldclient status` or the Sync panel (dismiss them or send them again).</source>
        <translation>El servidor rechazó {n} cambio(s) y no están en él; vea `fieldclient status` o el panel Sincronización (descártelos o envíelos de nuevo).</translation>
    </message>
    <message>
        <source>This version of Enlace is too old for the sync server (it needs protocol revision {needed}; this version speaks {have}). Nothing was sent or received: install the update your IT staff provides.</source>
        <translation>Esta versión de Enlace es demasiado antigua para el servidor de sincronización (requiere la revisión de protocolo {needed}; esta versión usa la {have}). No se envió ni recibió nada: instale la actualización que le proporcione su personal de informática.</translation>
    </message>
</context>
</TS>
