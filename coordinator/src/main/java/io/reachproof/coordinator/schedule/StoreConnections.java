package io.reachproof.coordinator.schedule;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.quartz.utils.ConnectionProvider;

/**
 * Quartz's connections to the proof record's database, for its JDBC JobStore: one opened per call (Quartz uses a
 * handful a minute: each fired trigger and each cluster check-in), so no pool library is needed. Quartz sets the
 * properties below by reflection from {@code org.quartz.dataSource.NAME.*}.
 */
public final class StoreConnections implements ConnectionProvider {

    private String url;
    private String user = "";
    private String password = "";

    public void setUrl(String value) {
        this.url = value;
    }

    public void setUser(String value) {
        this.user = value;
    }

    public void setPassword(String value) {
        this.password = value;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Properties props = new Properties();
        if (!user.isEmpty()) {
            props.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            props.setProperty("connectTimeout", "5");
            props.setProperty("socketTimeout", "30");
        }
        return DriverManager.getConnection(url, props);
    }

    @Override
    public void shutdown() {
    }

    @Override
    public void initialize() throws SQLException {
        if (url == null) {
            throw new SQLException("no url given for the round schedule's database");
        }
    }
}
