<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>CustodyList</name>
    <message>
        <source>Held for {time}</source>
        <translation>En custodia desde hace {time}</translation>
    </message>
    <message>
        <source>Handed over after {time}</source>
        <translation>Puesta a disposición tras {time}</translation>
    </message>
    <message>
        <source>Warning at {warn}, alert at {alert}: this deployment&apos;s configuration, not legal advice.</source>
        <translation>Aviso al cumplirse {warn}, alerta al cumplirse {alert}: configuración de este despliegue, no asesoría legal.</translation>
    </message>
    <message>
        <source>In custody</source>
        <translation>En custodia</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Persona</translation>
    </message>
    <message>
        <source>Detained</source>
        <translation>Detención</translation>
    </message>
    <message>
        <source>Custody</source>
        <translation>Custodia</translation>
    </message>
    <message>
        <source>Hand-over</source>
        <translation>Puesta a disposición</translation>
    </message>
    <message>
        <source>Amended: {fields}</source>
        <translation>Enmendado: {fields}</translation>
    </message>
</context>
<context>
    <name>ErasedScreen</name>
    <message>
        <source>Close Enlace</source>
        <translation>Cerrar Enlace</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Enlace</source>
        <translation>Enlace</translation>
    </message>
    <message>
        <source>Something failed.</source>
        <translation>Algo falló.</translation>
    </message>
    <message>
        <source>Nothing was lost. The details were written to the log.</source>
        <translation>No se perdió nada. Los detalles quedaron en el registro.</translation>
    </message>
</context>
<context>
    <name>FormDialog</name>
    <message>
        <source>Which time?</source>
        <translation>¿Cuál hora?</translation>
    </message>
    <message>
        <source>{time} happened twice: the clocks went back at that hour. Which one do you mean?</source>
        <translation>{time} ocurrió dos veces: los relojes se atrasaron a esa hora. ¿A cuál se refiere?</translation>
    </message>
    <message>
        <source>The first (UTC{offset})</source>
        <translation>La primera (UTC{offset})</translation>
    </message>
    <message>
        <source>The second (UTC{offset})</source>
        <translation>La segunda (UTC{offset})</translation>
    </message>
</context>
<context>
    <name>IdleLock</name>
    <message>
        <source>Enlace is locked</source>
        <translation>Enlace está bloqueado</translation>
    </message>
    <message>
        <source>Type the data folder&apos;s passphrase to unlock.</source>
        <translation>Escriba la frase de contraseña de la carpeta de datos para desbloquear.</translation>
    </message>
    <message>
        <source>Type the password of {user} to unlock.</source>
        <translation>Escriba la contraseña de {user} para desbloquear.</translation>
    </message>
    <message>
        <source>Unlock with this computer&apos;s keyring (no one has signed in here yet).</source>
        <translation>Desbloquee con el llavero de esta computadora (aquí todavía no ha iniciado sesión nadie).</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Desbloquear</translation>
    </message>
    <message>
        <source>This laptop has not reached the sync server for longer than the site allows. Sign in online to see the data again; changes waiting to be sent are kept and sent after the sign-in.</source>
        <translation>Esta laptop lleva sin comunicarse con el servidor de sincronización más tiempo del que permite el sitio. Inicie sesión en línea para volver a ver los datos; los cambios en espera de envío se conservan y se envían después de iniciar sesión.</translation>
    </message>
    <message>
        <source>Device revoked</source>
        <translation>Equipo revocado</translation>
    </message>
    <message>
        <source>On the server&apos;s order, this laptop&apos;s data was erased while it was locked. Enlace will now close.</source>
        <translation>Por orden del servidor se borraron los datos de esta laptop mientras estaba bloqueada. Enlace se cerrará ahora.</translation>
    </message>
</context>
<context>
    <name>IncidentDialog</name>
    <message>
        <source>New incident</source>
        <translation>Nuevo incidente</translation>
    </message>
    <message>
        <source>Title *</source>
        <translation>Título *</translation>
    </message>
    <message>
        <source>Kind *</source>
        <translation>Tipo *</translation>
    </message>
    <message>
        <source>Severity (1–5)</source>
        <translation>Gravedad (1–5)</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>Occurred at</source>
        <translation>Ocurrió el</translation>
    </message>
    <message>
        <source>Reporting agency *</source>
        <translation>Dependencia que reporta *</translation>
    </message>
    <message>
        <source>Involved agencies</source>
        <translation>Dependencias involucradas</translation>
    </message>
    <message>
        <source>Visibility</source>
        <translation>Visibilidad</translation>
    </message>
    <message>
        <source>Optional; DD, DMS or MGRS</source>
        <translation>Opcional; DD, DMS o MGRS</translation>
    </message>
</context>
<context>
    <name>IncidentPanel</name>
    <message>
        <source>Any status</source>
        <translation>Cualquier estado</translation>
    </message>
    <message>
        <source>Any kind</source>
        <translation>Cualquier tipo</translation>
    </message>
    <message>
        <source>Any severity</source>
        <translation>Cualquier gravedad</translation>
    </message>
    <message>
        <source>Severity {n} or more</source>
        <translation>Gravedad {n} o más</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Cualquier fecha</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Últimas 24 horas</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Últimos 7 días</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Últimos 30 días</translation>
    </message>
    <message>
        <source>Callsign of the unit</source>
        <translation>Indicativo de la unidad</translation>
    </message>
    <message>
        <source>Text of the entry</source>
        <translation>Texto de la anotación</translation>
    </message>
    <message>
        <source>Add entry</source>
        <translation>Agregar anotación</translation>
    </message>
    <message>
        <source>Occurred</source>
        <translation>Ocurrió</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Título</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Gravedad</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Autor</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Texto</translation>
    </message>
    <message>
        <source>Select an incident.</source>
        <translation>Seleccione un incidente.</translation>
    </message>
    <message>
        <source>no location</source>
        <translation>sin ubicación</translation>
    </message>
    <message>
        <source>Occurred:</source>
        <translation>Ocurrió:</translation>
    </message>
    <message>
        <source>Reported by:</source>
        <translation>Reportó:</translation>
    </message>
    <message>
        <source>Involved:</source>
        <translation>Involucradas:</translation>
    </message>
    <message>
        <source>Amended later; the original text is kept.</source>
        <translation>Enmendada después; se conserva el texto original.</translation>
    </message>
    <message>
        <source>no known zone</source>
        <translation>ninguna zona conocida</translation>
    </message>
    <message>
        <source>Territory:</source>
        <translation>Territorio:</translation>
    </message>
    <message>
        <source>Corrects the selected entry.</source>
        <translation>Corrige la anotación seleccionada.</translation>
    </message>
    <message>
        <source>Select the entry to correct in the timeline.</source>
        <translation>Seleccione en la bitácora la anotación que se corrige.</translation>
    </message>
    <message>
        <source>Enter the callsign of the unit to assign.</source>
        <translation>Escriba el indicativo de la unidad que se asigna.</translation>
    </message>
    <message>
        <source>No unit has the callsign {callsign}.</source>
        <translation>Ninguna unidad tiene el indicativo {callsign}.</translation>
    </message>
    <message>
        <source>{callsign} assigned</source>
        <translation>{callsign} asignada</translation>
    </message>
    <message>
        <source>Write the text of the entry.</source>
        <translation>Escriba el texto de la anotación.</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Yes</source>
        <translation>Sí</translation>
    </message>
    <message>
        <source>No</source>
        <translation>No</translation>
    </message>
</context>
<context>
    <name>MainMenuBar</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Iniciar sesión…</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Cerrar sesión</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>Night mode</source>
        <translation>Modo nocturno</translation>
    </message>
    <message>
        <source>Large targets (gloves, touch)</source>
        <translation>Controles grandes (guantes, pantalla táctil)</translation>
    </message>
    <message>
        <source>Times</source>
        <translation>Horas</translation>
    </message>
    <message>
        <source>Local time with time zone</source>
        <translation>Hora local con zona horaria</translation>
    </message>
    <message>
        <source>Date-time group (DTG)</source>
        <translation>Grupo fecha-hora (GFH)</translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation>Restablecer la disposición</translation>
    </message>
    <message>
        <source>Map only (hide the panels)</source>
        <translation>Solo el mapa (ocultar los paneles)</translation>
    </message>
</context>
<context>
    <name>MainToolBar</name>
    <message>
        <source>Main toolbar</source>
        <translation>Barra principal</translation>
    </message>
    <message>
        <source>New unit</source>
        <translation>Nueva unidad</translation>
    </message>
    <message>
        <source>Create a unit (Ctrl+N)</source>
        <translation>Crear una unidad (Ctrl+N)</translation>
    </message>
    <message>
        <source>Log position</source>
        <translation>Registrar posición</translation>
    </message>
    <message>
        <source>Log a position for the selected unit (Ctrl+L)</source>
        <translation>Registrar una posición de la unidad seleccionada (Ctrl+L)</translation>
    </message>
    <message>
        <source>New incident</source>
        <translation>Nuevo incidente</translation>
    </message>
    <message>
        <source>Report an incident (Ctrl+I)</source>
        <translation>Reportar un incidente (Ctrl+I)</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Sincronizar ahora</translation>
    </message>
    <message>
        <source>Send and receive changes now (F5); asks you to sign in first when nobody is signed in</source>
        <translation>Enviar y recibir cambios ahora (F5); si no hay sesión iniciada, primero pide iniciarla</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Cerrar sesión</translation>
    </message>
    <message>
        <source>Sign out of the sync server; your data stays on this computer</source>
        <translation>Cerrar la sesión en el servidor de sincronización; los datos se quedan en este equipo</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Iniciar sesión…</translation>
    </message>
    <message>
        <source>Sign in to the sync server</source>
        <translation>Iniciar sesión en el servidor de sincronización</translation>
    </message>
    <message>
        <source>Night</source>
        <translation>Noche</translation>
    </message>
    <message>
        <source>Night mode: a dim, red screen for use in the dark</source>
        <translation>Modo nocturno: pantalla tenue y roja para trabajar a oscuras</translation>
    </message>
    <message>
        <source>Large</source>
        <translation>Grande</translation>
    </message>
    <message>
        <source>Large targets: bigger buttons, rows and text for gloves and touch screens</source>
        <translation>Controles grandes: botones, filas y letra más grandes para guantes y pantallas táctiles</translation>
    </message>
    <message>
        <source>Coordinates:</source>
        <translation>Coordenadas:</translation>
    </message>
    <message>
        <source>Coordinate format</source>
        <translation>Formato de coordenadas</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>Time:</source>
        <translation>Hora:</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>Local</translation>
    </message>
    <message>
        <source>DTG</source>
        <translation>GFH</translation>
    </message>
    <message>
        <source>Local time with its time zone</source>
        <translation>Hora local con su zona horaria</translation>
    </message>
    <message>
        <source>Date-time group in UTC (291730Z NOV 26)</source>
        <translation>Grupo fecha-hora en UTC (291730Z NOV 26)</translation>
    </message>
    <message>
        <source>How times are written: local time with its zone, or a military date-time group</source>
        <translation>Cómo se escriben las horas: hora local con su zona, o grupo fecha-hora militar</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Idioma:</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Enlace — field operations</source>
        <translation>Enlace — operaciones en campo</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>Unidades</translation>
    </message>
    <message>
        <source>Incident log</source>
        <translation>Bitácora de incidentes</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Sincronización</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Conflictos</translation>
    </message>
    <message>
        <source>Track</source>
        <translation>Recorrido</translation>
    </message>
    <message>
        <source>Find in roster</source>
        <translation>Buscar en la lista de unidades</translation>
    </message>
    <message>
        <source>Loading the map…</source>
        <translation>Cargando el mapa…</translation>
    </message>
    <message>
        <source>The map cannot start while Enlace runs as the administrator (root): the embedded browser&apos;s sandbox forbids it. Start Enlace as a normal user.</source>
        <translation>El mapa no puede iniciarse mientras Enlace se ejecuta como administrador (root): el entorno aislado del navegador integrado lo impide. Inicie Enlace como usuario normal.</translation>
    </message>
    <message>
        <source>The map is not available in this build.</source>
        <translation>El mapa no está disponible en esta versión.</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Cerrar sesión</translation>
    </message>
    <message>
        <source>Sign out of the sync server? Everything on this computer stays, including changes not yet sent; they are sent after the next sign-in.</source>
        <translation>¿Cerrar la sesión en el servidor de sincronización? Todo lo que hay en este equipo se conserva, incluidos los cambios aún no enviados; se envían después del próximo inicio de sesión.</translation>
    </message>
    <message>
        <source>Retire unit</source>
        <translation>Dar de baja la unidad</translation>
    </message>
    <message>
        <source>Retire {callsign}? It stays in the record, marked as retired.</source>
        <translation>¿Dar de baja a {callsign}? Se conserva en el registro, marcada como dada de baja.</translation>
    </message>
    <message>
        <source>Select a unit in the roster first.</source>
        <translation>Primero seleccione una unidad en la lista.</translation>
    </message>
</context>
<context>
    <name>OperationSelector</name>
    <message>
        <source>All operations</source>
        <translation>Todos los operativos</translation>
    </message>
    <message>
        <source>Show only the units, incidents and map of one joint operation</source>
        <translation>Mostrar solo las unidades, los incidentes y el mapa de un operativo conjunto</translation>
    </message>
</context>
<context>
    <name>OversightView</name>
    <message>
        <source>Records</source>
        <translation>Registros</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>Bitácora de auditoría</translation>
    </message>
    <message>
        <source>Detentions</source>
        <translation>Detenciones</translation>
    </message>
    <message>
        <source>Use of force</source>
        <translation>Uso de la fuerza</translation>
    </message>
    <message>
        <source>Custody</source>
        <translation>Custodia</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Persona</translation>
    </message>
    <message>
        <source>Agency</source>
        <translation>Dependencia</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Unidad</translation>
    </message>
    <message>
        <source>Detained</source>
        <translation>Detención</translation>
    </message>
    <message>
        <source>Hand-over</source>
        <translation>Puesta a disposición</translation>
    </message>
    <message>
        <source>Amendments</source>
        <translation>Enmiendas</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Nivel</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>Operativo</translation>
    </message>
    <message>
        <source>Occurred</source>
        <translation>Ocurrió</translation>
    </message>
    <message>
        <source>Injured</source>
        <translation>Lesionados</translation>
    </message>
    <message>
        <source>Deaths</source>
        <translation>Fallecidos</translation>
    </message>
    <message>
        <source>Not reviewed yet: new, or amended since you last looked at it.</source>
        <translation>Sin revisar: nuevo, o corregido desde la última vez que lo consultó.</translation>
    </message>
    <message>
        <source>Overdue only</source>
        <translation>Solo vencidas</translation>
    </message>
    <message>
        <source>In custody only</source>
        <translation>Solo en custodia</translation>
    </message>
    <message>
        <source>Find by initials, unit, agency or id</source>
        <translation>Buscar por iniciales, unidad, dependencia o identificador</translation>
    </message>
    <message>
        <source>Open full record…</source>
        <translation>Abrir registro completo…</translation>
    </message>
    <message>
        <source>Asks the server for the record with personal data. The server writes the opening to the audit trail; nothing is stored on this computer.</source>
        <translation>Solicita al servidor el registro con datos personales. El servidor asienta la consulta en la bitácora de auditoría; no se guarda nada en esta computadora.</translation>
    </message>
    <message>
        <source>Load the audit trail</source>
        <translation>Cargar la bitácora de auditoría</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Quién</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Dispositivo</translation>
    </message>
    <message>
        <source>Anything</source>
        <translation>Cualquier texto</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Qué</translation>
    </message>
    <message>
        <source>All agencies</source>
        <translation>Todas las dependencias</translation>
    </message>
    <message>
        <source>Any level</source>
        <translation>Cualquier nivel</translation>
    </message>
    <message>
        <source>All operations</source>
        <translation>Todos los operativos</translation>
    </message>
    <message numerus="yes">
        <source>Not reviewed: %n</source>
        <translation>
            <numerusform>Sin revisar: %n</numerusform>
            <numerusform>Sin revisar: %n</numerusform>
        </translation>
    </message>
    <message>
        <source>Personal data withheld: open the full record to see it (the opening is recorded in the audit trail).</source>
        <translation>Datos personales reservados: abra el registro completo para verlos (la consulta queda asentada en la bitácora de auditoría).</translation>
    </message>
    <message>
        <source>Full record from the server (not stored).</source>
        <translation>Registro completo del servidor (no se guarda).</translation>
    </message>
    <message>
        <source>Sign in to read the audit trail.</source>
        <translation>Inicie sesión para consultar la bitácora de auditoría.</translation>
    </message>
    <message>
        <source>{shown} of {total} audit rows</source>
        <translation>{shown} de {total} asientos de auditoría</translation>
    </message>
</context>
<context>
    <name>Passphrase</name>
    <message>
        <source>Database passphrase</source>
        <translation>Frase de contraseña de la base de datos</translation>
    </message>
    <message>
        <source>Passphrase:</source>
        <translation>Frase de contraseña:</translation>
    </message>
    <message>
        <source>Again:</source>
        <translation>Otra vez:</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>Las dos frases de contraseña no coinciden.</translation>
    </message>
</context>
<context>
    <name>PositionDialog</name>
    <message>
        <source>Log position</source>
        <translation>Registrar posición</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Unidad</translation>
    </message>
    <message>
        <source>Location *</source>
        <translation>Ubicación *</translation>
    </message>
    <message>
        <source>Observed at</source>
        <translation>Observada el</translation>
    </message>
    <message>
        <source>Accuracy (m)</source>
        <translation>Precisión (m)</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Fuente</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>opcional</translation>
    </message>
    <message>
        <source>The point picked on the map; correct it if needed.</source>
        <translation>El punto elegido en el mapa; corríjalo si hace falta.</translation>
    </message>
    <message>
        <source>Starts from the unit&apos;s last position ({when}); type the new one over it.</source>
        <translation>Parte de la última posición de la unidad ({when}); escriba la nueva encima.</translation>
    </message>
    <message>
        <source>The unit has no position yet: starts from the centre of the map.</source>
        <translation>La unidad aún no tiene posición: parte del centro del mapa.</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>The record to correct is not on this computer.</source>
        <translation>El registro por corregir no está en esta computadora.</translation>
    </message>
    <message>
        <source>New {entity}</source>
        <translation>{entity}: nuevo</translation>
    </message>
    <message>
        <source>Correct {entity}</source>
        <translation>{entity}: enmienda</translation>
    </message>
    <message>
        <source>Hand-over</source>
        <translation>Puesta a disposición</translation>
    </message>
    <message>
        <source>(unchanged)</source>
        <translation>(sin cambio)</translation>
    </message>
    <message>
        <source>Place (coordinates)</source>
        <translation>Lugar (coordenadas)</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Sí</translation>
    </message>
    <message>
        <source>No</source>
        <translation>No</translation>
    </message>
</context>
<context>
    <name>RosterModel</name>
    <message>
        <source>outside jurisdiction</source>
        <translation>fuera de jurisdicción</translation>
    </message>
    <message>
        <source>Command of this unit was handed over and the receiving agency has not acknowledged it in time.</source>
        <translation>Se entregó el mando de esta unidad y la dependencia que lo recibe no ha acusado recibo a tiempo.</translation>
    </message>
    <message>
        <source>Outside jurisdiction: its latest position is outside its agency&apos;s zones and outside the area of every active operation it is assigned to (a warning only).</source>
        <translation>Fuera de jurisdicción: su última posición está fuera de las zonas de su dependencia y fuera del área de todo operativo activo al que está asignada (solo es una advertencia).</translation>
    </message>
    <message>
        <source>{operation}: {role}, commanded by {agency}</source>
        <translation>{operation}: {role}, al mando de {agency}</translation>
    </message>
    <message>
        <source>No position report for more than {n} minutes</source>
        <translation>Sin reporte de posición desde hace más de {n} minutos</translation>
    </message>
    <message>
        <source>now</source>
        <translation>ahora</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} h {m} min</translation>
    </message>
    <message>
        <source>{n} d</source>
        <translation>{n} d</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>Posición</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Antigüedad</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>Operativo</translation>
    </message>
</context>
<context>
    <name>RosterPanel</name>
    <message>
        <source>All agencies</source>
        <translation>Todas las dependencias</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Cualquier estado</translation>
    </message>
    <message>
        <source>Find a unit… (Ctrl+F)</source>
        <translation>Buscar unidad… (Ctrl+F)</translation>
    </message>
    <message>
        <source>Finds units by callsign, name, agency, kind or status. Accents and capitals do not matter: &quot;policia&quot; finds &quot;Policía&quot;.</source>
        <translation>Busca unidades por indicativo, nombre, dependencia, tipo o estado. No importan acentos ni mayúsculas: «policia» encuentra «Policía».</translation>
    </message>
    <message>
        <source>Any kind</source>
        <translation>Cualquier tipo</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Editar…</translation>
    </message>
    <message>
        <source>Retire</source>
        <translation>Dar de baja</translation>
    </message>
    <message>
        <source>Log position…</source>
        <translation>Registrar posición…</translation>
    </message>
    <message>
        <source>Show track</source>
        <translation>Ver recorrido</translation>
    </message>
    <message>
        <source>Stale after</source>
        <translation>Desactualizada tras</translation>
    </message>
    <message>
        <source>min</source>
        <translation>min</translation>
    </message>
    <message>
        <source>Positions older than this are highlighted in the roster and on the map.</source>
        <translation>Las posiciones más antiguas que esto se resaltan en la lista y en el mapa.</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} h {m} min</translation>
    </message>
    <message>
        <source>{shown} of {total} units</source>
        <translation>{shown} de {total} unidades</translation>
    </message>
    <message>
        <source>Select a unit to see its details.</source>
        <translation>Seleccione una unidad para ver sus datos.</translation>
    </message>
    <message>
        <source>no report yet</source>
        <translation>sin reporte todavía</translation>
    </message>
    <message>
        <source>Agency:</source>
        <translation>Dependencia:</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Estado:</translation>
    </message>
    <message>
        <source>Strength:</source>
        <translation>Efectivos:</translation>
    </message>
    <message>
        <source>Commander:</source>
        <translation>Comandante:</translation>
    </message>
    <message>
        <source>Position:</source>
        <translation>Posición:</translation>
    </message>
    <message>
        <source>Chain of command:</source>
        <translation>Cadena de mando:</translation>
    </message>
    <message>
        <source>top level</source>
        <translation>nivel superior</translation>
    </message>
    <message>
        <source>In {operation} ({role}), commanded by {agency}</source>
        <translation>En {operation} ({role}), al mando de {agency}</translation>
    </message>
    <message>
        <source>Outside jurisdiction: outside its agency&apos;s zones and every active operation&apos;s area.</source>
        <translation>Fuera de jurisdicción: fuera de las zonas de su dependencia y del área de todo operativo activo.</translation>
    </message>
    <message>
        <source>Hand-over of command not acknowledged in time.</source>
        <translation>Entrega de mando sin acuse de recibo a tiempo.</translation>
    </message>
</context>
<context>
    <name>StartUp</name>
    <message>
        <source>Changes cannot be saved</source>
        <translation>No se pueden guardar cambios</translation>
    </message>
    <message>
        <source>The database cannot be opened</source>
        <translation>No se puede abrir la base de datos</translation>
    </message>
    <message>
        <source>Move it aside to start with an empty database? The file is renamed, not deleted, so it can still be recovered or inspected.</source>
        <translation>¿Apartarla para empezar con una base de datos vacía? El archivo se renombra, no se borra, así que todavía se puede recuperar o revisar.</translation>
    </message>
    <message>
        <source>Move it aside</source>
        <translation>Apartarla</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>Moved aside</source>
        <translation>Archivo apartado</translation>
    </message>
    <message>
        <source>The old file was moved to {path}.</source>
        <translation>El archivo anterior se movió a {path}.</translation>
    </message>
</context>
<context>
    <name>StateBadge</name>
    <message>
        <source>Online</source>
        <translation>En línea</translation>
    </message>
    <message>
        <source>Connected to the sync server.</source>
        <translation>Conectado al servidor de sincronización.</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Sincronizando…</translation>
    </message>
    <message>
        <source>Sending and receiving changes.</source>
        <translation>Enviando y recibiendo cambios.</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Sin conexión</translation>
    </message>
    <message>
        <source>The server cannot be reached. Changes are kept on this computer and sent when the link is back.</source>
        <translation>No se puede llegar al servidor. Los cambios se guardan en este equipo y se envían cuando vuelva el enlace.</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Sesión no iniciada</translation>
    </message>
    <message>
        <source>Nothing is sent or received until you sign in.</source>
        <translation>No se envía ni se recibe nada hasta que inicie sesión.</translation>
    </message>
    <message>
        <source>Sync error</source>
        <translation>Error de sincronización</translation>
    </message>
    <message>
        <source>The last sync failed; it is retried by itself.</source>
        <translation>La última sincronización falló; se reintenta sola.</translation>
    </message>
    <message>
        <source>Clock wrong</source>
        <translation>Reloj incorrecto</translation>
    </message>
    <message>
        <source>This computer&apos;s clock differs too much from the server&apos;s. Set the date, time and time zone, then sync again.</source>
        <translation>El reloj de este equipo difiere demasiado del reloj del servidor. Corrija la fecha, la hora y la zona horaria y vuelva a sincronizar.</translation>
    </message>
    <message>
        <source>Version too old</source>
        <translation>Versión antigua</translation>
    </message>
    <message>
        <source>The server needs a newer version of Enlace. Changes are kept on this computer until it is updated.</source>
        <translation>El servidor necesita una versión más reciente de Enlace. Los cambios se guardan en este equipo hasta que se actualice.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Conectando…</translation>
    </message>
    <message>
        <source>Waiting for the first answer of the server.</source>
        <translation>Esperando la primera respuesta del servidor.</translation>
    </message>
    <message>
        <source>Server: {server}</source>
        <translation>Servidor: {server}</translation>
    </message>
    <message>
        <source>Last error: {error}</source>
        <translation>Último error: {error}</translation>
    </message>
    <message numerus="yes">
        <source>↑ %n not confirmed</source>
        <translation>
            <numerusform>↑ %n sin confirmar</numerusform>
            <numerusform>↑ %n sin confirmar</numerusform>
        </translation>
    </message>
    <message>
        <source>✓ All confirmed</source>
        <translation>✓ Todo confirmado</translation>
    </message>
    <message>
        <source>Changes made on this computer that the server has not confirmed yet. Click to open the Sync panel.</source>
        <translation>Cambios hechos en este equipo que el servidor aún no confirma. Haga clic para abrir el panel Sincronización.</translation>
    </message>
    <message numerus="yes">
        <source>✖ %n rejected</source>
        <translation>
            <numerusform>✖ %n rechazado</numerusform>
            <numerusform>✖ %n rechazados</numerusform>
        </translation>
    </message>
    <message>
        <source>Changes the server refused; they stay listed until you send them again or dismiss them. Click to open the Sync panel.</source>
        <translation>Cambios que el servidor rechazó; siguen en la lista hasta que los envíe de nuevo o los descarte. Haga clic para abrir el panel Sincronización.</translation>
    </message>
    <message numerus="yes">
        <source>⚡ %n open conflict(s)</source>
        <translation>
            <numerusform>⚡ %n conflicto abierto</numerusform>
            <numerusform>⚡ %n conflictos abiertos</numerusform>
        </translation>
    </message>
    <message>
        <source>Fields two people changed at the same time. Click to open the Conflicts panel.</source>
        <translation>Campos que dos personas cambiaron al mismo tiempo. Haga clic para abrir el panel Conflictos.</translation>
    </message>
    <message numerus="yes">
        <source>⏸ %n kept for an update</source>
        <translation>
            <numerusform>⏸ %n retenido hasta actualizar</numerusform>
            <numerusform>⏸ %n retenidos hasta actualizar</numerusform>
        </translation>
    </message>
    <message>
        <source>Changes from the server this version of Enlace cannot show yet; they are kept and applied once Enlace is updated. Click to open the Sync panel.</source>
        <translation>Cambios del servidor que esta versión de Enlace aún no puede mostrar; se conservan y se aplican cuando Enlace se actualice. Haga clic para abrir el panel Sincronización.</translation>
    </message>
    <message>
        <source>Last sync: {when}</source>
        <translation>Última sincronización: {when}</translation>
    </message>
    <message>
        <source>Never synced</source>
        <translation>Nunca sincronizado</translation>
    </message>
    <message>
        <source>This computer&apos;s clock is {amount} ahead of the sync server&apos;s.</source>
        <translation>El reloj de esta computadora va {amount} adelantado respecto al del servidor de sincronización.</translation>
    </message>
    <message>
        <source>This computer&apos;s clock is {amount} behind the sync server&apos;s.</source>
        <translation>El reloj de esta computadora va {amount} atrasado respecto al del servidor de sincronización.</translation>
    </message>
    <message>
        <source>Changes refused because of the clock are sent again by themselves once it is right.</source>
        <translation>Los cambios rechazados por el reloj se vuelven a enviar solos cuando la hora es correcta.</translation>
    </message>
</context>
<context>
    <name>TrackPanel</name>
    <message>
        <source>Observed</source>
        <translation>Observada</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>Posición</translation>
    </message>
    <message>
        <source>Select a unit to see its track.</source>
        <translation>Seleccione una unidad para ver su recorrido.</translation>
    </message>
    <message numerus="yes">
        <source>%n position report(s), newest first</source>
        <translation>
            <numerusform>%n reporte de posición, el más reciente primero</numerusform>
            <numerusform>%n reportes de posición, los más recientes primero</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UnitDialog</name>
    <message>
        <source>Edit unit</source>
        <translation>Editar unidad</translation>
    </message>
    <message>
        <source>New unit</source>
        <translation>Nueva unidad</translation>
    </message>
    <message>
        <source>Retire unit</source>
        <translation>Dar de baja la unidad</translation>
    </message>
    <message>
        <source>Callsign *</source>
        <translation>Indicativo *</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Agency *</source>
        <translation>Dependencia *</translation>
    </message>
    <message>
        <source>Kind *</source>
        <translation>Tipo *</translation>
    </message>
    <message>
        <source>Echelon</source>
        <translation>Escalón</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Reports to (callsign)</source>
        <translation>Depende de (indicativo)</translation>
    </message>
    <message>
        <source>Commander</source>
        <translation>Comandante</translation>
    </message>
    <message>
        <source>Strength</source>
        <translation>Efectivos</translation>
    </message>
    <message>
        <source>Visibility</source>
        <translation>Visibilidad</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notas</translation>
    </message>
    <message>
        <source>people, optional</source>
        <translation>personas, opcional</translation>
    </message>
    <message>
        <source>empty for a top-level unit</source>
        <translation>vacío para una unidad de nivel superior</translation>
    </message>
    <message>
        <source>No unit has the callsign {callsign}.</source>
        <translation>Ninguna unidad tiene el indicativo {callsign}.</translation>
    </message>
    <message>
        <source>A unit cannot report to itself.</source>
        <translation>Una unidad no puede depender de sí misma.</translation>
    </message>
</context>
<context>
    <name>WelcomePanel</name>
    <message>
        <source>Welcome to Enlace</source>
        <translation>Bienvenido a Enlace</translation>
    </message>
    <message>
        <source>This laptop has no data yet. Everything you enter is kept here and works without a network; it is sent to the server when you sign in and sync.</source>
        <translation>Este equipo todavía no tiene datos. Todo lo que capture se guarda aquí y funciona sin red; se envía al servidor cuando inicie sesión y sincronice.</translation>
    </message>
    <message>
        <source>Load the demo deployment</source>
        <translation>Cargar el despliegue de demostración</translation>
    </message>
    <message>
        <source>Start empty</source>
        <translation>Empezar en blanco</translation>
    </message>
    <message>
        <source>Sign in to a server…</source>
        <translation>Iniciar sesión en un servidor…</translation>
    </message>
    <message>
        <source>Loading the demo deployment…</source>
        <translation>Cargando el despliegue de demostración…</translation>
    </message>
</context>
<context>
    <name>WindowRecords</name>
    <message>
        <source>Oversight</source>
        <translation>Supervisión</translation>
    </message>
    <message>
        <source>&amp;Records</source>
        <translation>&amp;Registros</translation>
    </message>
    <message>
        <source>Detention…</source>
        <translation>Detención…</translation>
    </message>
    <message>
        <source>Record a detention by the selected unit</source>
        <translation>Registrar una detención de la unidad seleccionada</translation>
    </message>
    <message>
        <source>Use of force…</source>
        <translation>Uso de la fuerza…</translation>
    </message>
    <message>
        <source>Report a use of force by the selected unit</source>
        <translation>Informar un uso de la fuerza de la unidad seleccionada</translation>
    </message>
    <message>
        <source>Correct…</source>
        <translation>Enmendar…</translation>
    </message>
    <message>
        <source>Hand-over…</source>
        <translation>Puesta a disposición…</translation>
    </message>
    <message>
        <source>Use-of-force report…</source>
        <translation>Informe de uso de la fuerza…</translation>
    </message>
    <message>
        <source>History…</source>
        <translation>Historial…</translation>
    </message>
    <message>
        <source>Record and its amendments</source>
        <translation>Registro y sus enmiendas</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Enter a location.</source>
        <translation>Escriba una ubicación.</translation>
    </message>
    <message>
        <source>Unit not found.</source>
        <translation>No se encontró la unidad.</translation>
    </message>
</context>
</TS>
