<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>MapView</name>
    <message>
        <source>Map package {file} was skipped: {why}</source>
        <translation>Se omitió el paquete de mapa {file}: {why}</translation>
    </message>
    <message>
        <source>Log position of the selected unit here</source>
        <translation>Registrar aquí la posición de la unidad seleccionada</translation>
    </message>
    <message>
        <source>New incident here</source>
        <translation>Nuevo incidente aquí</translation>
    </message>
    <message>
        <source>Copy coordinates</source>
        <translation>Copiar coordenadas</translation>
    </message>
    <message>
        <source>{format}: {coordinates}</source>
        <translation>{format}: {coordinates}</translation>
    </message>
    <message>
        <source>Outlines only</source>
        <translation>Solo contornos</translation>
    </message>
    <message>
        <source>Country outlines</source>
        <translation>Contornos de países</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Gravedad</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Disponible</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>Asignada</translation>
    </message>
    <message>
        <source>Engaged</source>
        <translation>En acción</translation>
    </message>
    <message>
        <source>Returning</source>
        <translation>De regreso</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>Fuera de servicio</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Abierto</translation>
    </message>
    <message>
        <source>Responding</source>
        <translation>En atención</translation>
    </message>
    <message>
        <source>Contained</source>
        <translation>Contenido</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Cerrado</translation>
    </message>
    <message>
        <source>Armed attack</source>
        <translation>Agresión armada</translation>
    </message>
    <message>
        <source>Blockade</source>
        <translation>Bloqueo</translation>
    </message>
    <message>
        <source>Kidnapping</source>
        <translation>Secuestro</translation>
    </message>
    <message>
        <source>Homicide</source>
        <translation>Homicidio</translation>
    </message>
    <message>
        <source>Robbery</source>
        <translation>Robo</translation>
    </message>
    <message>
        <source>Extortion</source>
        <translation>Extorsión</translation>
    </message>
    <message>
        <source>Drug seizure</source>
        <translation>Aseguramiento de droga</translation>
    </message>
    <message>
        <source>Arms seizure</source>
        <translation>Aseguramiento de armas</translation>
    </message>
    <message>
        <source>Detention</source>
        <translation>Detención</translation>
    </message>
    <message>
        <source>Disturbance</source>
        <translation>Disturbio</translation>
    </message>
    <message>
        <source>Accident</source>
        <translation>Accidente</translation>
    </message>
    <message>
        <source>Natural disaster</source>
        <translation>Desastre natural</translation>
    </message>
    <message>
        <source>Fire</source>
        <translation>Incendio</translation>
    </message>
    <message>
        <source>Missing person</source>
        <translation>Persona desaparecida</translation>
    </message>
    <message>
        <source>Patrol report</source>
        <translation>Parte de patrullaje</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Otro</translation>
    </message>
</context>
<context>
    <name>cli_maps</name>
    <message>
        <source>Installed map package {name} ({format}) as {path}</source>
        <translation>Paquete de mapa {name} ({format}) instalado como {path}</translation>
    </message>
    <message>
        <source>No map packages installed in {folder}</source>
        <translation>No hay paquetes de mapa instalados en {folder}</translation>
    </message>
    <message>
        <source>skipped: {why}</source>
        <translation>omitido: {why}</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>{path} is not a usable MBTiles map package: {why}</source>
        <translation>{path} no es un paquete de mapa MBTiles utilizable: {why}</translation>
    </message>
</context>
</TS>
