<?xml version="1.0" encoding="utf-8"?>
<!-- SPDX-License-Identifier: EUPL-1.2 -->
<!-- The register's Atom feed (/rejestr.atom, server/render/feed.c) as a page
     for a person who opens it in a browser: the feed names this stylesheet
     in <?xml-stylesheet?>, which feed readers skip, so they read the same
     document as before. The page says what a feed is and lists the entries
     with their dates and summaries, each linking to its item in the
     register; it uses the site's stylesheet and no script (the site's
     Content-Security-Policy applies to it). Dates are the feed's, in UTC. -->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:a="http://www.w3.org/2005/Atom"
                exclude-result-prefixes="a">
<xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

<!-- "2026-12-07T04:00:00Z" as "07.12.2026" -->
<xsl:template name="date">
  <xsl:param name="when"/>
  <time datetime="{$when}">
    <xsl:value-of select="concat(substring($when, 9, 2), '.', substring($when, 6, 2), '.', substring($when, 1, 4))"/>
  </time>
</xsl:template>

<xsl:template match="/a:feed">
  <xsl:variable name="register" select="a:link[@rel = 'alternate'][1]/@href"/>
  <xsl:variable name="self" select="a:link[@rel = 'self'][1]/@href"/>
  <html lang="pl">
  <head>
    <meta name="viewport" content="width=device-width, initial-scale=1"/>
    <title><xsl:value-of select="a:title"/> — kanał Atom</title>
    <link rel="stylesheet" href="/static/style.css"/>
  </head>
  <body>
    <a class="skip" href="#tresc">Przejdź do treści</a>
    <header class="site-header">
      <div class="wrap">
        <a class="brand" href="/"><xsl:value-of select="a:author/a:name"/></a>
        <nav aria-label="Menu główne">
          <ul>
            <li><a href="/">Strona główna</a></li>
            <li><a href="/wniosek">Złóż wniosek</a></li>
            <li><a href="/rejestr">Rejestr wniosków</a></li>
            <li><a href="/jak-uzyskac-informacje">Jak uzyskać informację</a></li>
          </ul>
        </nav>
      </div>
    </header>
    <main id="tresc" class="wrap feed-page" tabindex="-1">
      <h1><xsl:value-of select="a:title"/></h1>
      <xsl:if test="a:subtitle"><p class="lead"><xsl:value-of select="a:subtitle"/></p></xsl:if>
      <div class="notice">
        <p>To jest kanał Atom: adres, który czytnik kanałów (np. w programie pocztowym lub aplikacji z wiadomościami) sprawdza sam i powiadamia o każdej nowej publikacji w rejestrze. Aby go subskrybować, skopiuj ten adres do czytnika:</p>
        <p class="feed-address"><code><xsl:value-of select="$self"/></code></p>
        <p>Nie potrzebujesz czytnika, żeby przeglądać sprawy: <a href="{$register}">otwórz rejestr wniosków</a>, w którym można je też wyszukiwać.</p>
      </div>
      <h2>Ostatnie publikacje</h2>
      <p class="hint">Stan na <xsl:call-template name="date"><xsl:with-param name="when" select="a:updated"/></xsl:call-template>; najnowsze najpierw.</p>
      <xsl:choose>
        <xsl:when test="a:entry">
          <ol class="feed-entries">
            <xsl:apply-templates select="a:entry"/>
          </ol>
        </xsl:when>
        <xsl:otherwise><p>W rejestrze nie opublikowano jeszcze żadnej sprawy.</p></xsl:otherwise>
      </xsl:choose>
    </main>
    <footer class="site-footer">
      <div class="wrap">
        <p>Kanał Atom rejestru wniosków o udostępnienie informacji publicznej — <xsl:value-of select="a:author/a:name"/>.</p>
      </div>
    </footer>
  </body>
  </html>
</xsl:template>

<xsl:template match="a:entry">
  <li>
    <h3><a href="{a:link[@rel = 'alternate'][1]/@href}"><xsl:value-of select="a:title"/></a></h3>
    <p class="hint">
      <xsl:choose>
        <xsl:when test="a:published and a:published != a:updated">
          <xsl:text>Opublikowano </xsl:text>
          <xsl:call-template name="date"><xsl:with-param name="when" select="a:published"/></xsl:call-template>
          <xsl:text>, zmieniono </xsl:text>
          <xsl:call-template name="date"><xsl:with-param name="when" select="a:updated"/></xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:text>Opublikowano </xsl:text>
          <xsl:call-template name="date"><xsl:with-param name="when" select="a:updated"/></xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:if test="a:author/a:name">
        <xsl:text> (</xsl:text><xsl:value-of select="a:author/a:name"/><xsl:text>)</xsl:text>
      </xsl:if>
    </p>
    <xsl:if test="a:summary"><p class="feed-summary"><xsl:value-of select="a:summary"/></p></xsl:if>
  </li>
</xsl:template>
</xsl:stylesheet>
