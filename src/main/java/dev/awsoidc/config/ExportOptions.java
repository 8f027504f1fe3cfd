package dev.awsoidc.config;

/** What to do with the credentials once we have them. */
public record ExportOptions(boolean envCredentials, boolean outputCredentials, boolean maskAccountId) {}
