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
