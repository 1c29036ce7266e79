<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>SitrepDialog</name>
    <message>
        <source>Save the report as</source>
        <translation>Guardar el informe como</translation>
    </message>
    <message>
        <source>Operation report (SITREP)</source>
        <translation>Parte de situación de la operación (SITREP)</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>Operación</translation>
    </message>
    <message>
        <source>Situation at</source>
        <translation>Situación al</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Formato</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Archivo</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Elegir…</translation>
    </message>
</context>
<context>
    <name>WindowReport</name>
    <message>
        <source>Operation report (SITREP)…</source>
        <translation>Parte de situación de la operación (SITREP)…</translation>
    </message>
    <message>
        <source>Operation report (SITREP)</source>
        <translation>Parte de situación de la operación (SITREP)</translation>
    </message>
    <message>
        <source>This laptop knows no joint operation yet.</source>
        <translation>Esta laptop aún no conoce ninguna operación conjunta.</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Operation report of {code} written to {path}. The file is NOT encrypted (only the database is): keep it on this laptop or a protected medium, and delete it when done.</source>
        <translation>Parte de situación de {code} escrito en {path}. El archivo NO está cifrado (solo la base de datos lo está): consérvelo en esta laptop o en un medio protegido, y bórrelo cuando termine.</translation>
    </message>
    <message>
        <source>Cannot write {path}: {why}</source>
        <translation>No se puede escribir {path}: {why}</translation>
    </message>
</context>
<context>
    <name>report</name>
    <message>
        <source>The report time {at} is in the future; a report shows what has happened.</source>
        <translation>La hora del informe {at} está en el futuro; un informe muestra lo que ya ocurrió.</translation>
    </message>
    <message>
        <source>Unknown report format {fmt}; choose pdf, csv or geojson.</source>
        <translation>Formato de informe desconocido {fmt}; elija pdf, csv o geojson.</translation>
    </message>
    <message>
        <source>Choose the file to write.</source>
        <translation>Elija el archivo que se escribirá.</translation>
    </message>
    <message>
        <source>Operation report (SITREP)</source>
        <translation>Parte de situación de la operación (SITREP)</translation>
    </message>
    <message>
        <source>Situation at</source>
        <translation>Situación al</translation>
    </message>
    <message>
        <source>Made at</source>
        <translation>Elaborado el</translation>
    </message>
    <message>
        <source>Times are local ({offset}).</source>
        <translation>Horas locales ({offset}).</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Periodo</translation>
    </message>
    <message>
        <source>open-ended</source>
        <translation>sin fecha de término</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>Mapa</translation>
    </message>
    <message>
        <source>Operation area: dashed red line. Zones and units in the colour of their agency; a unit with a red ring is outside its jurisdiction; triangles are incidents (grey: closed).</source>
        <translation>Área de la operación: línea roja discontinua. Zonas y unidades en el color de su institución; una unidad con anillo rojo está fuera de su jurisdicción; los triángulos son incidentes (gris: cerrado).</translation>
    </message>
    <message>
        <source>Assigned units ({n})</source>
        <translation>Unidades asignadas ({n})</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Unidad</translation>
    </message>
    <message>
        <source>Commanded by</source>
        <translation>Bajo el mando de</translation>
    </message>
    <message>
        <source>Last position (lat, lon / MGRS)</source>
        <translation>Última posición (lat, lon / MGRS)</translation>
    </message>
    <message>
        <source>Observed</source>
        <translation>Observada</translation>
    </message>
    <message>
        <source>OUTSIDE JURISDICTION</source>
        <translation>FUERA DE JURISDICCIÓN</translation>
    </message>
    <message>
        <source>no position by this time</source>
        <translation>sin posición a esta hora</translation>
    </message>
    <message>
        <source>belongs, not assigned</source>
        <translation>pertenece, sin asignación</translation>
    </message>
    <message>
        <source>Incidents: {opened} opened, {closed} closed</source>
        <translation>Incidentes — abiertos: {opened}; cerrados: {closed}</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>Abierto</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Incidente</translation>
    </message>
    <message>
        <source>Sev.</source>
        <translation>Grav.</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Cerrado</translation>
    </message>
    <message>
        <source>Zone / territory</source>
        <translation>Zona / territorio</translation>
    </message>
    <message>
        <source>Hand-overs of command: {n} ({acked} acknowledged, {waiting} unacknowledged, {overdue} overdue)</source>
        <translation>Relevos de mando: {n} (con acuse: {acked}; sin acuse: {waiting}; vencidos: {overdue})</translation>
    </message>
    <message>
        <source>A hand-over unacknowledged after {minutes} min is overdue.</source>
        <translation>Un relevo sin acuse después de {minutes} min está vencido.</translation>
    </message>
    <message>
        <source>From</source>
        <translation>De</translation>
    </message>
    <message>
        <source>To</source>
        <translation>A</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Acuse</translation>
    </message>
    <message>
        <source>unacknowledged</source>
        <translation>sin acuse</translation>
    </message>
    <message>
        <source>OVERDUE</source>
        <translation>VENCIDO</translation>
    </message>
    <message>
        <source>Detentions and use of force (counts only)</source>
        <translation>Detenciones y uso de la fuerza (solo cifras)</translation>
    </message>
    <message>
        <source>Names and personal data are not part of this report: they are seen by the owning agency and oversight only.</source>
        <translation>Los nombres y datos personales no forman parte de este informe: solo los ven la institución responsable y los órganos de supervisión.</translation>
    </message>
    <message>
        <source>Detentions</source>
        <translation>Detenciones</translation>
    </message>
    <message>
        <source>still held (not yet handed to a prosecutor or judge)</source>
        <translation>aún bajo custodia (sin puesta a disposición)</translation>
    </message>
    <message>
        <source>handed over</source>
        <translation>puestas a disposición</translation>
    </message>
    <message>
        <source>custody past the warning threshold ({limit})</source>
        <translation>custodia más allá del umbral de aviso ({limit})</translation>
    </message>
    <message>
        <source>custody past the alert threshold ({limit})</source>
        <translation>custodia más allá del umbral de alerta ({limit})</translation>
    </message>
    <message>
        <source>Use-of-force reports</source>
        <translation>Informes de uso de la fuerza</translation>
    </message>
    <message>
        <source>None.</source>
        <translation>Ninguno.</translation>
    </message>
</context>
</TS>
